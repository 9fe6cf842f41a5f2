import { Controller, Get, Param, type PipeTransform } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, type Principal } from '@orderflow/auth';
import { CUSTOMER_ID, CUSTOMER_ID_MESSAGE, isCustomerId } from '@orderflow/contracts';
import { ApiProblems, ValidationProblem } from '@orderflow/rest';
import { CustomerPointsHandler } from '../queries/customer-points/customer-points.handler';
import { CustomerPointsResponse, toCustomerPointsResponse } from './customer-points.response';

class CustomerIdPipe implements PipeTransform<string, string> {
  transform(customerId: string): string {
    if (!isCustomerId(customerId)) {
      throw new ValidationProblem([{ field: 'customerId', message: CUSTOMER_ID_MESSAGE }]);
    }
    return customerId;
  }
}

@ApiTags('points')
@Controller('customers')
export class CustomerPointsController {
  constructor(private readonly customerPoints: CustomerPointsHandler) {}

  @Get(':customerId/points')
  @ApiOperation({ summary: "A customer's points", description: 'The customer themselves, or staff with the read scope.' })
  @ApiParam({ name: 'customerId', schema: { type: 'string', pattern: CUSTOMER_ID.source } })
  @ApiOkResponse({ type: CustomerPointsResponse })
  @ApiProblems([403], { 403: 'Another customer, and the token lacks the staff read scope.' })
  async get(@Caller() caller: Principal, @Param('customerId', CustomerIdPipe) customerId: string): Promise<CustomerPointsResponse> {
    return toCustomerPointsResponse(await this.customerPoints.execute(caller, customerId));
  }
}
