import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PRODUCT_MODEL, ProductSchema } from './product.schema';
import { ProductRepository } from './product.repository';
import { ProductsController } from './products.controller';

@Module({
  imports: [MongooseModule.forFeature([{ name: PRODUCT_MODEL, schema: ProductSchema }])],
  controllers: [ProductsController],
  providers: [ProductRepository],
  exports: [ProductRepository],
})
export class ProductsModule {}
