import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AdjustStockHandler } from './commands/adjust-stock/adjust-stock.handler';
import { PutProductHandler } from './commands/put-product/put-product.handler';
import { ProductsController } from './http/products.controller';
import { UpsertStatusInterceptor } from './http/upsert-status.interceptor';
import { PRODUCT_MODEL, ProductSchema } from './persistence/product.schema';
import { ProductRepository } from './persistence/product.repository';
import { GetProductHandler } from './queries/get-product/get-product.handler';
import { ListProductsHandler } from './queries/list-products/list-products.handler';

@Module({
  imports: [MongooseModule.forFeature([{ name: PRODUCT_MODEL, schema: ProductSchema }])],
  controllers: [ProductsController],
  providers: [ProductRepository, PutProductHandler, AdjustStockHandler, GetProductHandler, ListProductsHandler, UpsertStatusInterceptor],
  exports: [ProductRepository],
})
export class ProductsModule {}
