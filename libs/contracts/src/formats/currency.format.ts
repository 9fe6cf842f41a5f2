/** An ISO 4217 currency code, as events carry it (`currency`) and deployments configure it. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;
export const CURRENCY_CODE_MESSAGE = 'must be an ISO 4217 code such as USD';
