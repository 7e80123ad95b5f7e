import { Liquid, Tag, type FS, type LiquidOptions, type TagToken, type TopLevelToken } from 'liquidjs';

/**
 * A liquid engine that cannot touch the file system. By default liquidjs resolves `include`, `render`
 * and `layout` against the working directory, which holds the app secret, the data dir and the source:
 * a template (written by any workspace member) could print them. There is no store of shared snippets,
 * so the three tags are refused when a template is parsed (the editor shows the error at its line), and
 * the loader gets a file system that holds nothing, in case a future tag reaches for it.
 */
const noFiles: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new Error('templates cannot read files')),
  readFileSync: () => {
    throw new Error('templates cannot read files');
  },
  resolve: (_dir, file) => file,
  contains: () => Promise.resolve(false),
  containsSync: () => false,
};

const fileTags = ['include', 'render', 'layout'] as const;

function refusedTag(name: string) {
  return class extends Tag {
    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
      super(token, remainTokens, liquid);
      throw new Error(`{% ${name} %} is not available: templates cannot load partials or files, put the content in the template itself`);
    }
    *render(): Generator<unknown, void, unknown> {}
  };
}

export function sealedLiquid(options: LiquidOptions): Liquid {
  const engine = new Liquid({ ...options, fs: noFiles, root: [], partials: [], layouts: [], relativeReference: false, templates: {} });
  for (const name of fileTags) engine.registerTag(name, refusedTag(name));
  return engine;
}
