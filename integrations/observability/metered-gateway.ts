import type { PaymentGateway } from '../../bot/lookups/gateway.js';
import { type Metrics, secondsSince } from '../../bot/metrics.js';

/**
 * The payment gateway with every call counted and timed by operation and outcome (found,
 * not_found, unavailable; accepted, refused for a refund; error for a throw).
 */
export function meteredGateway(gateway: PaymentGateway, metrics: Metrics): PaymentGateway {
  const timed = async <T extends { outcome: string }>(operation: string, call: () => Promise<T>) => {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await call();
      outcome = result.outcome;
      return result;
    } finally {
      metrics.count('acquirer_calls', { operation, outcome });
      metrics.observe('acquirer_call_seconds', { operation }, secondsSince(started));
    }
  };
  return {
    name: gateway.name,
    findTransaction: (query) => timed('find_transaction', () => gateway.findTransaction(query)),
    getRefund: (refundNo, scope) => timed('get_refund', () => gateway.getRefund(refundNo, scope)),
    listRefunds: (transaction) => timed('list_refunds', () => gateway.listRefunds(transaction)),
    refund: (request) => timed('refund', () => gateway.refund(request)),
  };
}
