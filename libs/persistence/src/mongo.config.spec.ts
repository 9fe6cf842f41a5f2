import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MongoConfig } from './mongo.config';

const problemsOf = (env: Record<string, string | undefined>) => validateSync(plainToInstance(MongoConfig, env)).map((e) => e.property);

describe('MongoConfig', () => {
  it('takes a mongodb:// or mongodb+srv:// URI and an optional database name', () => {
    expect(problemsOf({ MONGODB_URI: 'mongodb://127.0.0.1:27017' })).toEqual([]);
    expect(problemsOf({ MONGODB_URI: 'mongodb+srv://db.example.com', MONGODB_DATABASE: 'orders-it_1' })).toEqual([]);
  });

  it.each([[{}], [{ MONGODB_URI: 'http://db:27017' }], [{ MONGODB_URI: 'mongodb://db:27017', MONGODB_DATABASE: 'a.b' }]])(
    'names a missing or malformed variable (%j)',
    (env: Record<string, string>) => {
      expect(problemsOf(env)).toHaveLength(1);
    },
  );
});
