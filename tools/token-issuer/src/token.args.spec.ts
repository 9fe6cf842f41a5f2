import { DEFAULT_SCOPE_NAMES } from '@orderflow/contracts';
import { TOKEN_USAGE, tokenAsk } from './token.args';

describe('npm run token arguments (tokenAsk)', () => {
  it('asks for a customer token with no scopes by default', () => {
    expect(tokenAsk(['c-1'])).toEqual({ sub: 'c-1', scope: '' });
  });

  it('adds the staff and admin scopes the services know by their default names', () => {
    const { scope } = tokenAsk(['--staff', 'c-1', '--admin']);
    expect(scope.split(' ')).toEqual([DEFAULT_SCOPE_NAMES.staffRead, DEFAULT_SCOPE_NAMES.staffCancel, DEFAULT_SCOPE_NAMES.inventoryAdmin]);
  });

  it('takes scopes and a lifetime given by hand, and never mistakes their values for the customer id', () => {
    expect(tokenAsk(['--scope', 'a  b', '--expires-in', '60', 'c-2'])).toEqual({ sub: 'c-2', scope: 'a b', expires_in: 60 });
  });

  it.each([[[]], [['--staff']], [['c-1', '--expires-in', 'soon']]])('refuses %j with the usage', (argv) => {
    expect(() => tokenAsk(argv)).toThrow(TOKEN_USAGE);
  });
});
