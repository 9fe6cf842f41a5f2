import { ProgressLine } from './bench.progress';

describe('ProgressLine in a log (not a terminal)', () => {
  let written: string[];
  let write: jest.SpyInstance;

  beforeEach(() => {
    written = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('writes a counter at most every few seconds, but a new step at once', () => {
    const progress = new ProgressLine();
    progress.update('sent 1/100');
    progress.update('sent 2/100');
    progress.update('sent 3/100');
    progress.update('waiting for every consumer to catch up');
    progress.update('reading the end state');
    expect(written).toEqual(['  … sent 1/100\n', '  … waiting for every consumer to catch up\n', '  … reading the end state\n']);
  });
});
