import { Body, Controller, Get, Logger, Param, PipeTransform, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@orderflow/auth';
import { isSku, SKU, SKU_MESSAGE } from '@orderflow/contracts';
import { ApiProblems, decodeCursor, encodeCursor, PageQuery, ValidationProblem, type Page } from '@orderflow/rest';
import { ServiceEnv } from '@orderflow/runtime';
import type { Response } from 'express';
import { ProductError, type Product } from './domain/product';
import { PutProductDto } from './dto/put-product.dto';
import { StockAdjustmentDto } from './dto/stock-adjustment.dto';
import { ProductRepository } from './product.repository';
import { ProductPageResponse, ProductResponse, toProductResponse } from './product.response';

const Sku = () => ApiParam({ name: 'sku', schema: { type: 'string', pattern: SKU.source } });

class SkuPipe implements PipeTransform<string, string> {
  transform(sku: string): string {
    if (!isSku(sku)) throw new ValidationProblem([{ field: 'sku', message: SKU_MESSAGE }]);
    return sku;
  }
}

@ApiTags('products')
@Controller('products')
export class ProductsController {
  private readonly logger = new Logger(ProductsController.name);

  constructor(
    private readonly products: ProductRepository,
    private readonly env: ServiceEnv,
  ) {}

  @Put(':sku')
  @RequireScope('inventoryAdmin')
  @ApiOperation({ summary: 'Create or replace a product', description: 'Needs the inventory admin scope.' })
  @Sku()
  @ApiOkResponse({ type: ProductResponse, description: 'replaced' })
  @ApiCreatedResponse({ type: ProductResponse, description: 'created' })
  @ApiProblems([403], { 403: 'The token lacks the inventory admin scope.' })
  async put(
    @Param('sku', SkuPipe) sku: string,
    @Body() body: PutProductDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProductResponse> {
    const created = await this.products.upsert(sku, { name: body.name, price: body.price, currency: this.env.CURRENCY, available: body.stock });
    response.status(created ? 201 : 200);
    return toProductResponse(await this.get(sku));
  }

  @Get(':sku')
  @ApiOperation({ summary: 'A product', description: 'Any caller with a valid token.' })
  @Sku()
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblems([404])
  async getOne(@Param('sku', SkuPipe) sku: string): Promise<ProductResponse> {
    return toProductResponse(await this.get(sku));
  }

  @Get()
  @ApiOperation({ summary: 'Products by SKU', description: 'Any caller with a valid token.' })
  @ApiOkResponse({ type: ProductPageResponse })
  async list(@Query() query: PageQuery): Promise<Page<ProductResponse>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['sku'] as const).sku;
    const products = await this.products.list(after, query.limit + 1);
    const page = products.slice(0, query.limit);
    return {
      items: page.map(toProductResponse),
      nextCursor: products.length > query.limit ? encodeCursor({ sku: page[page.length - 1].sku }) : null,
    };
  }

  @Post(':sku/stock-adjustments')
  @RequireScope('inventoryAdmin')
  @ApiOperation({ summary: 'Add or remove stock', description: 'Needs the inventory admin scope; never below zero available.' })
  @Sku()
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblems([403, 404, 409], { 403: 'The token lacks the inventory admin scope.', 409: 'Removing this many would leave less than zero available.' })
  async adjust(@Param('sku', SkuPipe) sku: string, @Body() body: StockAdjustmentDto, @Res({ passthrough: true }) response: Response): Promise<ProductResponse> {
    if (!(await this.products.adjust(sku, body.delta, body.reason))) {
      const product = await this.get(sku);
      throw new ProductError(
        'INSUFFICIENT_STOCK',
        `cannot remove ${-body.delta} units of ${sku}: only ${product.available} are available`,
      );
    }
    this.logger.log(`product ${sku}: stock adjusted by ${body.delta} (${JSON.stringify(body.reason)})`);
    response.status(200);
    return toProductResponse(await this.get(sku));
  }

  private async get(sku: string): Promise<Product> {
    const product = await this.products.find(sku);
    if (!product) throw new ProductError('PRODUCT_NOT_FOUND', `product ${sku} does not exist`);
    return product;
  }
}
