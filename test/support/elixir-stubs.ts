/**
 * Compiles generated modules (Release, HealthController) with the real Elixir compiler and
 * `--warnings-as-errors`, against small stand-ins for what Phoenix and Ecto provide, and
 * runs them. The stand-ins are minimal on purpose: the generated code must only rely on
 * `json/2`, `put_status/2` (from `use MyAppWeb, :controller`), `Repo.query/3` and
 * `Ecto.Migrator.with_repo/2` + `run/3`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Stand-ins: the web module's `:controller` imports `json/2` and `put_status/2` over a map
 * conn (so do `use Phoenix.Controller` and `import Plug.Conn`, for web modules without it); each repo's `query/3` does what `Process.get({:health_mode, repo})` says
 * (:ok, :error, :raise, :exit) and records its options; Ecto.Migrator records the repos it migrates.
 */
export function elixirStubs(web: string, repos: string[]): string {
  return `
defmodule DBConnection.ConnectionError do
  defexception [:message]
end

defmodule StubConn do
  def json(conn, data), do: %{conn | body: data}
  def put_status(conn, status), do: %{conn | status: status}
end

defmodule Phoenix.Controller do
  defmacro __using__(_options) do
    quote do
      import StubConn, only: [json: 2]
    end
  end
end

defmodule Plug.Conn do
  defdelegate put_status(conn, status), to: StubConn
end

defmodule ${web} do
  def controller do
    quote do
      import StubConn
    end
  end

  defmacro __using__(which) when is_atom(which), do: apply(__MODULE__, which, [])
end

defmodule Ecto.Migrator do
  def with_repo(repo, fun) do
    send(self(), {:migrated, repo})
    {:ok, fun.(repo), []}
  end

  def run(_repo, direction, opts), do: {direction, opts}
end
${repos
  .map(
    repo => `
defmodule ${repo} do
  def query("SELECT 1", [], opts) do
    send(self(), {:query_opts, __MODULE__, opts})

    case Process.get({:health_mode, __MODULE__}, :ok) do
      :ok -> {:ok, %{rows: [[1]]}}
      :error -> {:error, %RuntimeError{message: "password authentication failed for user \\"postgres\\""}}
      :raise -> raise DBConnection.ConnectionError, message: "connection not available and request was dropped from queue after 2000ms"
      :exit -> exit({:timeout, {GenServer, :call, [__MODULE__]}})
    end
  end
end`,
  )
  .join('\n')}
`;
}

export interface Compiled {
  /** Exit status of elixirc (non-zero on any warning or error). */
  status: number | null;
  output: string;
  /** Runs an Elixir script with the compiled modules loaded; returns stdout + stderr. */
  run(script: string): { status: number | null; output: string };
  cleanup(): void;
}

export function compileWithStubs(files: string[], stubs: string): Compiled {
  const dir = mkdtempSync(join(tmpdir(), 'pd-elixirc-'));
  const ebin = join(dir, 'ebin');
  mkdirSync(ebin);
  writeFileSync(join(dir, 'stubs.ex'), stubs);
  const compiled = spawnSync('elixirc', ['--warnings-as-errors', '-o', ebin, join(dir, 'stubs.ex'), ...files], { encoding: 'utf8' });
  if (compiled.error) throw compiled.error;
  return {
    status: compiled.status,
    output: compiled.stdout + compiled.stderr,
    run(script: string) {
      const path = join(dir, 'script.exs');
      writeFileSync(path, script);
      const ran = spawnSync('elixir', ['-pa', ebin, path], { encoding: 'utf8' });
      return { status: ran.status, output: ran.stdout + ran.stderr };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
