/**
 * The intake limit: the least a NestJS service can do per order — one POST route that
 * inserts one document with mongoose and answers 202 — run as its own process by
 * intake.limit.ts. Whatever order-api's intake does beyond this is its own cost.
 */
import { Body, Controller, Get, HttpCode, Inject, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';

const ORDER = 'BareOrder';
const OrderSchema = new Schema({ _id: String, body: Object, status: String, createdAt: Date }, { versionKey: false });

@Controller()
class BareOrdersController {
  // Explicit token: this file runs under tsx, which emits no decorator type metadata.
  constructor(@Inject(getModelToken(ORDER)) private readonly orders: Model<unknown>) {}

  @Post('orders')
  @HttpCode(202)
  async place(@Body() body: unknown): Promise<{ id: string; status: string }> {
    const id = randomUUID();
    await this.orders.create({ _id: id, body, status: 'PENDING', createdAt: new Date() });
    return { id, status: 'PENDING' };
  }

  @Get('health/ready')
  ready(): string {
    return 'ok';
  }
}

@Module({
  imports: [
    MongooseModule.forRoot(process.env['MONGODB_URI'] as string, { dbName: process.env['MONGODB_DATABASE'] }),
    MongooseModule.forFeature([{ name: ORDER, schema: OrderSchema }]),
  ],
  controllers: [BareOrdersController],
})
class BareIntakeModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareIntakeModule, { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env['PORT']), '127.0.0.1');
}

void main();
