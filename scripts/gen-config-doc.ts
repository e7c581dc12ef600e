// Regenerates docs/config.md from the configuration schema.
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../src/config/index.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigDoc());
console.log('docs/config.md written');
