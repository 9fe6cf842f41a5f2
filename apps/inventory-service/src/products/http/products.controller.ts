import { Body, Controller, Get, HttpCode, Logger, Param, PipeTransform, Post, Put, Query, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@orderflow/auth';
import { isSku, SKU, SKU_MESSAGE } from '@orderflow/contracts';
import { ApiProblems, PageQuery, ValidationProblem, type Page } from '@orderflow/rest';
import { AdjustStockHandler } from '../commands/adjust-stock/adjust-stock.handler';
import { PutProductHandler } from '../commands/put-product/put-product.handler';
import { GetProductHandler } from '../queries/get-product/get-product.handler';
import { ListProductsHandler } from '../queries/list-products/list-products.handler';
import { ProductPageResponse, ProductResponse, toProductResponse } from './product.response';
import { PutProductDto } from './put-product.dto';
import { StockAdjustmentDto } from './stock-adjustment.dto';
import { UpsertStatusInterceptor, type Upserted } from './upsert-status.interceptor';

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
    private readonly putProduct: PutProductHandler,
    private readonly adjustStock: AdjustStockHandler,
    private readonly getProduct: GetProductHandler,
    private readonly listProducts: ListProductsHandler,
  ) {}

  @Put(':sku')
  @HttpCode(200)
  @UseInterceptors(UpsertStatusInterceptor)
  @RequireScope('inventoryAdmin')
  @ApiOperation({ summary: 'Create or replace a product', description: 'Needs the inventory admin scope.' })
  @Sku()
  @ApiOkResponse({ type: ProductResponse, description: 'replaced' })
  @ApiCreatedResponse({ type: ProductResponse, description: 'created' })
  @ApiProblems([403], { 403: 'The token lacks the inventory admin scope.' })
  async put(@Param('sku', SkuPipe) sku: string, @Body() body: PutProductDto): Promise<Upserted<ProductResponse>> {
    const created = await this.putProduct.execute(sku, body);
    return { created, body: toProductResponse(await this.getProduct.execute(sku)) };
  }

  @Get(':sku')
  @ApiOperation({ summary: 'A product', description: 'Any caller with a valid token.' })
  @Sku()
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblems([404])
  async getOne(@Param('sku', SkuPipe) sku: string): Promise<ProductResponse> {
    return toProductResponse(await this.getProduct.execute(sku));
  }

  @Get()
  @ApiOperation({ summary: 'Products by SKU', description: 'Any caller with a valid token.' })
  @ApiOkResponse({ type: ProductPageResponse })
  async list(@Query() query: PageQuery): Promise<Page<ProductResponse>> {
    const page = await this.listProducts.execute(query);
    return { items: page.items.map(toProductResponse), nextCursor: page.nextCursor };
  }

  @Post(':sku/stock-adjustments')
  @HttpCode(200)
  @RequireScope('inventoryAdmin')
  @ApiOperation({ summary: 'Add or remove stock', description: 'Needs the inventory admin scope; never below zero available.' })
  @Sku()
  @ApiOkResponse({ type: ProductResponse })
  @ApiProblems([403, 404, 409], {
    403: 'The token lacks the inventory admin scope.',
    409: 'Removing this many would leave less than zero available.',
  })
  async adjust(@Param('sku', SkuPipe) sku: string, @Body() body: StockAdjustmentDto): Promise<ProductResponse> {
    await this.adjustStock.execute(sku, body);
    this.logger.log(`product ${sku}: stock adjusted by ${body.delta} (${JSON.stringify(body.reason)})`);
    return toProductResponse(await this.getProduct.execute(sku));
  }
}
