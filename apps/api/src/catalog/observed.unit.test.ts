import { describe, expect, it } from 'vitest';
import { productFromView } from './observed';

describe('a product as a page view describes it', () => {
  it('keeps what is well-formed and maps schema.org availability', () => {
    expect(productFromView({ product_id: 'sku-9', name: 'Oak board', price: 24.5, currency: 'gbp', url: 'https://shop.example/oak', image: 'https://cdn.example/oak.jpg', availability: 'limited_availability', category: 'Kitchen', brand: 'Oakly' }, 1000)).toEqual({
      product_id: 'sku-9', name: 'Oak board', price: 24.5, currency: 'GBP', url: 'https://shop.example/oak', image_url: 'https://cdn.example/oak.jpg', availability: 'in_stock', category: 'Kitchen', brand: 'Oakly', atMs: 1000,
    });
    expect(productFromView({ sku: 42, name: 'Mug', availability: 'sold_out' }, 0)).toMatchObject({ product_id: '42', availability: 'out_of_stock', price: 0 });
    expect(productFromView({ id: 'p', name: 'Pre', availability: 'pre_order' }, 0)?.availability).toBe('preorder');
  });

  it('drops what is missing, unsafe or out of bounds instead of guessing', () => {
    expect(productFromView({ name: 'No id' }, 0)).toBeNull();
    expect(productFromView({ product_id: 'x' }, 0)).toBeNull();
    expect(productFromView({ product_id: 'x'.repeat(201), name: 'Long id' }, 0)).toBeNull();
    const p = productFromView({ product_id: 'x', name: 'X', price: -1, url: 'javascript:alert(1)', image: 'data:image/png;base64,AA', currency: 'euro', availability: 'maybe' }, 0);
    expect(p).toEqual({ product_id: 'x', name: 'X', price: 0, atMs: 0 });
  });
});
