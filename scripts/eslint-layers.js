// Import direction between src/ folders (DESIGN.md §3). Lower layers never import higher
// ones or siblings of the same layer; a folder is entered only through its index.ts.
import path from 'node:path';

export const LAYERS = {
  core: 0,
  config: 1,
  events: 1,
  rules: 2,
  transform: 2,
  schemas: 2,
  store: 2,
  delivery: 3,
  sources: 3,
  streams: 4,
  ingest: 4,
  observe: 4,
  api: 5,
  server: 6,
  cli: 7,
};

const srcRoot = path.resolve(import.meta.dirname, '..', 'src');

function folderOf(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep)[0];
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'enforce the import direction between src/ folders' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = folderOf(file);
    if (from === undefined) return {};
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec);
      const to = folderOf(target);
      if (to === undefined || to === from) return;
      if (!(to in LAYERS)) {
        context.report({ node, message: `src/${to} is not in the layer map (scripts/eslint-layers.js)` });
        return;
      }
      if (from in LAYERS && LAYERS[to] >= LAYERS[from]) {
        context.report({ node, message: `src/${from} (layer ${LAYERS[from]}) may not import src/${to} (layer ${LAYERS[to]}): dependencies point one way (DESIGN.md §3)` });
        return;
      }
      const inner = path.relative(path.join(srcRoot, to), target);
      if (inner !== '' && inner !== 'index.js' && inner !== 'index.ts' && inner !== 'index') {
        context.report({ node, message: `import src/${to} through its index.ts, not ${spec}` });
      }
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
