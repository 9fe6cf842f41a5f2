import { lastValueFrom } from 'rxjs';
import { EventErrorsAsThrown } from './event-errors.filter';

class StockError extends Error {}

describe('EventErrorsAsThrown', () => {
  it('hands an event handler error on as it was thrown, class and all', async () => {
    const error = new StockError('only 2 left');
    await expect(lastValueFrom(new EventErrorsAsThrown().catch(error))).rejects.toBe(error);
  });
});
