import { describe, expect, it } from 'vitest';
import { findProducts, fromJsonLd } from './products';

describe('JSON-LD products', () => {
  it('finds Product nodes in arrays and @graph', () => {
    const doc = [{ '@type': 'BreadcrumbList' }, { '@graph': [{ '@type': ['Product', 'Thing'], name: 'A' }, { '@type': 'Organization' }] }, { '@type': 'Product', name: 'B' }];
    expect(findProducts(doc).map((p) => p.name)).toEqual(['A', 'B']);
  });

  it('maps to Segment "Product Viewed" properties', () => {
    const p = { '@type': 'Product', sku: 'SKU-1', name: 'Boot', category: 'Shoes', brand: { '@type': 'Brand', name: 'Acme' }, offers: [{ price: '89.90', priceCurrency: 'EUR' }] };
    expect(fromJsonLd(p)).toEqual({ product_id: 'SKU-1', name: 'Boot', price: 89.9, currency: 'EUR', category: 'Shoes', brand: 'Acme' });
    expect(fromJsonLd({ '@id': 'https://shop/p/2', offers: { lowPrice: 5 } })).toMatchObject({ product_id: 'https://shop/p/2', price: 5 });
  });
});
