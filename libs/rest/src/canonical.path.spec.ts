import { canonicalPath } from './canonical.path';

describe('canonicalPath', () => {
  it.each([
    ['/docs-json', '/docs-json'],
    ['/DOCS-JSON', '/docs-json'],
    ['/Docs-json/', '/docs-json'],
    ['//docs-json', '/docs-json'],
    ['/docs//swagger-ui-init.js', '/docs/swagger-ui-init.js'],
    ['/%64ocs-json', '/docs-json'],
    ['/docs%2Djson', '/docs-json'],
    ['/%2564ocs', '/docs'],
    ['/%2Fdocs', '/docs'],
    ['/x/../docs', '/docs'],
    ['/./docs/', '/docs'],
    ['/..', '/'],
    ['\\docs', '/docs'],
    ['/docs;jsessionid=1', '/docs'],
    ['/docs-json?x=1', '/docs-json'],
    ['/HEALTH/Live/', '/health/live'],
    ['/', '/'],
    ['', '/'],
  ])('reads %j as %j', (path, canonical) => {
    expect(canonicalPath(path)).toBe(canonical);
  });

  it('leaves a malformed escape as it is', () => {
    expect(canonicalPath('/docs%zz')).toBe('/docs%zz');
  });
});
