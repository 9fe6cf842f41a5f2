/**
 * The one spelling of a request path that decisions about it are taken on. Express routes
 * `/DOCS-JSON/` to `/docs-json` (it ignores case and a trailing slash), and a proxy in front
 * may decode `%2D`, merge `//` or resolve `..` before passing a path on; a rule that looks at
 * the raw path sees none of that and can be walked around. So: every `%XX` decoded (again
 * while any is left, for double encoding), `\` read as `/`, empty, `.` and `..` segments
 * resolved, `;parameters` dropped, no trailing slash, lower case. It only ever serves to
 * *match* a path against a rule, so folding more spellings together than the router does
 * makes a gate apply more often, never less.
 */
export function canonicalPath(path: string): string {
  let decoded = path.split('?')[0];
  for (let round = 0; round < 5 && /%[0-9a-f]{2}/i.test(decoded); round++) {
    decoded = decoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  const segments: string[] = [];
  for (const raw of decoded.replace(/\\/g, '/').split('/')) {
    const segment = raw.split(';')[0].toLowerCase();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}
