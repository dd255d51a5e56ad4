# Checks generated Elixir with the real compiler/formatter (Debian's elixir in CI).
#
#   elixir test/support/elixir_check.exs format FILE...
#     One line per file: "ok FILE" or "error FILE <reason>" (parse error or not `mix format`-clean).
#   elixir test/support/elixir_check.exs config FILE
#     Evaluates FILE with Config.Reader for :prod (under the caller's environment variables)
#     and prints the resulting config as JSON. A raise prints {"raised": message} and exits 2.

defmodule ElixirCheck do
  # What Phoenix, Plug and Ecto export through `import_deps` in a phx.new .formatter.exs.
  @locals_without_parens [
    plug: :*,
    action_fallback: :*,
    socket: :*,
    channel: :*,
    pipe_through: :*,
    forward: :*,
    get: :*,
    post: :*,
    put: :*,
    patch: :*,
    delete: :*,
    options: :*,
    head: :*,
    match: :*,
    resources: :*,
    live: :*,
    live_session: :*,
    live_dashboard: :*,
    pipeline: :*,
    scope: :*,
    field: :*,
    belongs_to: :*,
    has_many: :*,
    has_one: :*,
    embeds_one: :*,
    embeds_many: :*,
    timestamps: :*,
    add: :*,
    create: :*,
    alter: :*,
    attr: :*,
    slot: :*
  ]

  def main(["format" | files]) do
    Enum.each(files, fn file ->
      source = File.read!(file)

      case Code.string_to_quoted(source, file: file) do
        {:ok, _ast} ->
          formatted =
            IO.iodata_to_binary([
              Code.format_string!(source, locals_without_parens: @locals_without_parens),
              "\n"
            ])

          if formatted == source do
            IO.puts("ok #{file}")
          else
            IO.puts("error #{file} not formatted: #{first_difference(source, formatted)}")
          end

        {:error, {location, message, token}} ->
          IO.puts("error #{file} parse error at #{inspect(location)}: #{inspect(message)}#{inspect(token)}")
      end
    end)
  end

  def main(["config", file]) do
    try do
      config = Config.Reader.read!(file, env: :prod, target: :host)
      IO.puts(json(config))
    rescue
      error ->
        IO.puts(json(%{raised: Exception.message(error), kind: inspect(error.__struct__)}))
        System.halt(2)
    end
  end

  defp first_difference(a, b) do
    a_lines = String.split(a, "\n")
    b_lines = String.split(b, "\n")

    index =
      Enum.zip(a_lines, b_lines)
      |> Enum.find_index(fn {x, y} -> x != y end)

    case index do
      nil -> "trailing lines differ"
      i -> "line #{i + 1}: #{inspect(Enum.at(a_lines, i))} should be #{inspect(Enum.at(b_lines, i))}"
    end
  end

  # A small JSON encoder (Elixir 1.14 has no JSON module): keyword lists become objects,
  # tuples arrays; atom keys are plain names ("shop", "Shop.Repo"), atom values keep their
  # colon (":info") so they cannot be confused with strings.
  defp json(value) when is_map(value),
    do: "{" <> Enum.map_join(value, ",", fn {k, v} -> json(to_string_key(k)) <> ":" <> json(v) end) <> "}"

  defp json([]), do: "[]"

  defp json(value) when is_list(value) do
    if Keyword.keyword?(value) do
      json(Map.new(value))
    else
      "[" <> Enum.map_join(value, ",", &json/1) <> "]"
    end
  end

  defp json(value) when is_tuple(value), do: json(Tuple.to_list(value))
  defp json(value) when is_binary(value), do: inspect(value, printable_limit: :infinity)
  defp json(value) when is_integer(value) or is_float(value), do: to_string(value)
  defp json(value) when is_boolean(value), do: to_string(value)
  defp json(nil), do: "null"
  defp json(value) when is_atom(value), do: json(inspect_atom(value))
  defp json(value), do: json(inspect(value))

  defp inspect_atom(atom) do
    case Atom.to_string(atom) do
      "Elixir." <> module -> module
      name -> ":" <> name
    end
  end

  defp to_string_key(key) when is_atom(key), do: key |> inspect_atom() |> String.trim_leading(":")
  defp to_string_key(key), do: to_string(key)
end

ElixirCheck.main(System.argv())
