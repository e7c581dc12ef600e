import type { JsonObject } from '../core/index.js';
import type { TransformContext } from './variables.js';

/** A CloudEvent in JSON form with awkward values: unicode, quotes, backslashes, big/float numbers. */
export const EVENT: JsonObject = JSON.parse(`{
  "specversion": "1.0", "id": "evt-1", "source": "/shop", "type": "order.created",
  "subject": "orders/7", "time": "2024-05-01T10:00:00Z", "datacontenttype": "application/json",
  "dataschema": "https://schemas.example/order.json", "partitionkey": "c-9",
  "data": {
    "order": { "id": 7, "total": 12.5, "big": 1e21, "neg": -3, "paid": true, "note": null,
               "customer": { "name": "Zoë \\"Z\\" O'Neil", "path": "C:\\\\tmp\\\\x", "emoji": "🚀", "cn": "订单" },
               "lines": [ { "sku": "a-1", "qty": 1 }, { "sku": "b\\n2", "qty": 2 } ] },
    "tags": ["x", "y"], "empty": {}, "none": []
  }
}`) as JsonObject;

export const CTX: TransformContext = { ruleName: 'orders-to-slack', bus: 'shop', ingestionTime: '2024-05-01T10:00:01.250Z' };
