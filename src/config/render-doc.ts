import { configKeys } from './keys.js';

/** Renders docs/config.md from the schema; generated, never edited by hand. */
export function renderConfigDoc(): string {
  const lines = [
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; do not edit. -->',
    '# Configuration',
    '',
    'Switchyard reads its configuration once at start-up, in this order (later wins):',
    '',
    '1. the defaults below;',
    '2. a YAML file given with `--config switchyard.yaml` (or `SWITCHYARD_CONFIG`);',
    '3. environment variables `SWITCHYARD_*` (names below; objects are given as JSON).',
    '',
    'The result is validated and frozen. An unknown key, a wrong type or a value out of range stops',
    'the server with a message naming the key and exit code 2.',
    '',
    '```yaml',
    '# switchyard.yaml',
    'server:',
    '  port: 8080',
    'limits:',
    '  maxEventBytes: 262144',
    '```',
    '',
    '| key | type | default | env | meaning |',
    '|---|---|---|---|---|',
  ];
  for (const k of configKeys) {
    const type = k.enum === undefined ? k.type : k.enum.map((e) => `\`${e}\``).join(' \\| ');
    lines.push(`| \`${k.name}\` | ${type} | \`${JSON.stringify(k.default)}\` | \`${k.env}\` | ${k.description} |`);
  }
  lines.push('');
  return lines.join('\n');
}
