/** The human description of a detected project, printed in the summary. */
import type { PhoenixProject } from './project.js';

const ADAPTER_NAMES = { postgres: 'PostgreSQL', mysql: 'MySQL', sqlite: 'SQLite', mssql: 'SQL Server' } as const;

export function describeProject(project: PhoenixProject): string[] {
  const { web, ecto, assets, pinned, existing, locked } = project;
  const lines: string[] = [];

  const layout = project.umbrella
    ? `umbrella (${project.apps.map(app => `${app.dir}`).join(', ')}), release "${project.releaseName}"${project.releaseDefined ? '' : ' (not yet defined in mix.exs)'}`
    : 'single app';
  lines.push(`Project:   ${project.module} (:${project.otpApp}), Phoenix ${locked.phoenix ?? '(not in mix.lock)'}, ${layout}`);
  lines.push(
    `Web:       ${web.module} (app :${web.app.otpApp}), router ${web.routerFile}, endpoint ${web.endpointModule}` +
      `${web.endpointFile ? ` (${web.endpointFile})` : ''}, Plug ${locked.plug ?? '?'}`,
  );
  lines.push(
    ecto
      ? `Database:  ${ADAPTER_NAMES[ecto.adapter]} via Ecto ${locked.ectoSql ?? locked.ecto ?? '?'}, repos ${ecto.repos.join(', ')} (app :${ecto.app.otpApp})`
      : 'Database:  none (no Ecto SQL repo)',
  );
  if (assets) {
    const tools = [assets.esbuild && 'esbuild', assets.tailwind && 'tailwind'].filter(Boolean).join(' + ');
    const npm = assets.npm ? `npm (${assets.dir}/package.json${assets.npmLockfile ? `, ${assets.npmLockfile.split('/').pop()}` : ', no lock file'})` : '';
    const aliases = Object.entries(assets.aliases).filter(([, on]) => on).map(([name]) => `assets.${name}`);
    lines.push(`Assets:    ${assets.dir}/ built with ${[tools && `${tools} (mix)`, npm].filter(Boolean).join(' and ') || 'no known tool'}; aliases: ${aliases.join(', ') || 'none'}`);
  } else {
    lines.push('Assets:    none (no assets/ directory)');
  }
  const configs = [existing.runtimeConfig, existing.releasesConfig, existing.prodSecretConfig].filter(Boolean);
  lines.push(
    `Config:    ${configs.join(', ') || 'no runtime config (config/runtime.exs missing)'}` +
      (project.forceSsl.enabled ? `; force_ssl in ${project.forceSsl.file}${project.forceSsl.rewritesForwardedProto ? ' (rewrite_on x-forwarded-proto)' : ''}` : ''),
  );
  const versions = [
    pinned.erlang && `Erlang ${pinned.erlang.value} (${pinned.erlang.source})`,
    pinned.elixir && `Elixir ${pinned.elixir.value} (${pinned.elixir.source})`,
    pinned.node && `Node ${pinned.node.value} (${pinned.node.source})`,
    pinned.npm && `npm ${pinned.npm.value} (${pinned.npm.source})`,
    pinned.elixirRequirement && `mix.exs elixir: "${pinned.elixirRequirement}"`,
  ].filter(Boolean);
  lines.push(`Versions:  ${versions.join('; ') || 'nothing pinned'}`);
  const deploy = [
    existing.dockerfile,
    existing.dockerignore,
    existing.buildpacks,
    existing.elixirBuildpackConfig,
    existing.phoenixStaticBuildpackConfig,
    existing.procfile,
    existing.appJson,
    existing.serverScript,
    existing.migrateScript,
    existing.releaseModule && `release module ${existing.releaseModule.module} (${existing.releaseModule.file})`,
  ].filter(Boolean);
  lines.push(`Deploy:    ${deploy.join(', ') || 'no deploy files yet'}`);
  return lines;
}
