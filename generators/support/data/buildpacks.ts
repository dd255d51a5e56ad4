/**
 * Buildpack revisions `.buildpacks` pins (`URL#ref`: heroku-buildpack-multi and herokuish clone the
 * URL, then `git checkout` the ref, so a tag or a commit works; heroku/heroku-buildpack-multi
 * bin/compile). A pin makes every deploy build with the buildpack that was checked, instead of
 * whatever its default branch holds that day.
 *
 * Sources: the revisions read for phoenix-dokku's checked facts (Dokku + buildpacks reference,
 * upstream sources read 2026-08): gigalixir/gigalixir-buildpack-elixir tag v2.12.0 (2026-06),
 * gigalixir/gigalixir-buildpack-phoenix-static master at commit d094770 (2024-11-23; the repository
 * had no release tag then), HashNuke/heroku-buildpack-elixir master 378538d (2023-06-10, its last
 * commit; its tags date from 2015).
 * Update procedure: read the repositories' tags (git ls-remote --tags URL), check the release notes
 * for changes to the config keys phoenix-dokku writes, bump the ref and the date.
 */
export const buildpackPins = {
  'gigalixir-elixir': { url: 'https://github.com/gigalixir/gigalixir-buildpack-elixir', ref: 'v2.12.0', date: '2026-06' },
  'gigalixir-phoenix-static': { url: 'https://github.com/gigalixir/gigalixir-buildpack-phoenix-static', ref: 'd094770', date: '2024-11-23' },
  'hashnuke-elixir': { url: 'https://github.com/HashNuke/heroku-buildpack-elixir', ref: '378538d', date: '2023-06-10' },
} as const;

export const buildpackDataRetrieved = '2026-08';
