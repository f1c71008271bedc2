/**
 * Times from requests as the store keeps them (ISO-8601 UTC, so text order is time order). The
 * schemas' `date-time` format admits a leap second (`23:59:60`) that JavaScript's Date cannot
 * represent; such a time is a 400 naming the field, never an exception.
 */
import { ApiError } from './api-error.js';

export function storedTime(text: string, field: string): string {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new ApiError(400, 'invalid_request', `${text} is not a time this server can store (a leap second?)`, field);
  return time.toISOString();
}
