// Regenerates docs/errors.md from the error registry.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/core/errors/render-doc.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
console.log('docs/errors.md written');
