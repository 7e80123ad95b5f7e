import { describe, expect, it } from 'vitest';
import { momentOf, type CatalogProduct } from './products';

const before = (over: Partial<CatalogProduct>): CatalogProduct => ({ product_id: 'p', name: 'P', url: null, image_url: null, price: 100, currency: 'EUR', category: null, brand: null, availability: 'in_stock', updated_at: '', ...over });

describe('catalog moments', () => {
  it('is back in stock only from out of stock to in stock', () => {
    expect(momentOf(before({ availability: 'out_of_stock' }), { product_id: 'p', name: 'P', availability: 'in_stock', price: 100 })?.kind).toBe('back_in_stock');
    expect(momentOf(before({ availability: 'unknown' }), { product_id: 'p', name: 'P', availability: 'in_stock', price: 100 })).toBeNull();
    expect(momentOf(undefined, { product_id: 'p', name: 'P', availability: 'in_stock' })).toBeNull();
  });

  it('is a price drop from 10 % down, and not for a product out of stock', () => {
    expect(momentOf(before({}), { product_id: 'p', name: 'P', availability: 'in_stock', price: 90 })).toMatchObject({ kind: 'price_drop', oldPrice: 100 });
    expect(momentOf(before({}), { product_id: 'p', name: 'P', availability: 'in_stock', price: 91 })).toBeNull();
    expect(momentOf(before({}), { product_id: 'p', name: 'P', availability: 'out_of_stock', price: 50 })).toBeNull();
    expect(momentOf(before({ price: 0 }), { product_id: 'p', name: 'P', availability: 'in_stock', price: 0 })).toBeNull();
  });

  it('takes the workspace threshold, counting a drop of exactly that share', () => {
    const drop = (oldPrice: number, price: number, percent: number) => momentOf(before({ price: oldPrice }), { product_id: 'p', name: 'P', availability: 'in_stock', price }, percent)?.kind ?? null;
    expect(drop(80, 76, 5)).toBe('price_drop');
    expect(drop(80, 76, 10)).toBeNull();
    expect(drop(72.2, 68.59, 5)).toBe('price_drop');
    expect(drop(19.99, 18.99, 5)).toBe('price_drop');
    expect(drop(19.99, 19, 5)).toBeNull();
  });
});
