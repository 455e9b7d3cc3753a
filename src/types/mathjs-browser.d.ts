// mathjs's own single-file build (package.json exports it); its default export is an instance whose `create` takes
// only the configuration (its factories are all of mathjs's)
declare module 'mathjs/lib/browser/math.js' {
  import type { ConfigOptions, MathJsInstance } from 'mathjs';
  const math: { create(config: ConfigOptions): MathJsInstance };
  export default math;
}
