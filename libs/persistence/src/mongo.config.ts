import { IsOptional, Matches } from 'class-validator';

/** Where the service's MongoDB is: the variables MongoModule reads, validated at start. */
export class MongoConfig {
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI!: string;

  /** Overrides the service's own database name (tests use it to isolate runs). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'must be 1-63 letters, digits, _ or -' })
  MONGODB_DATABASE?: string;
}
