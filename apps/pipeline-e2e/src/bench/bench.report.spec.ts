import { formatTable } from './bench.report';

describe('formatTable', () => {
  it('aligns a Markdown-compatible table: first column left, the others right', () => {
    expect(formatTable(['run', 'orders/s'], [['burst', '7.5'], ['open 100/s', '12.25']])).toBe(
      ['| run        | orders/s |', '|------------|---------:|', '| burst      |      7.5 |', '| open 100/s |    12.25 |'].join('\n'),
    );
  });
});
