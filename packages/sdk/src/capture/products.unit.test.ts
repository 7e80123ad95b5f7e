import { afterEach, describe, expect, it, vi } from 'vitest';
import { findProducts, fromJsonLd } from './products';

describe('JSON-LD products', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('finds Product nodes in arrays and @graph', () => {
    const doc = [{ '@type': 'BreadcrumbList' }, null, 'text', { '@graph': [{ '@type': ['Product', 'Thing'], name: 'A' }, { '@type': 'Organization' }] }, [[{ '@type': 'Product', name: 'B' }]]];
    expect(findProducts(doc).map((p) => p.name)).toEqual(['A', 'B']);
    expect(findProducts({ '@type': 'Product', name: 'C' }).map((p) => p.name)).toEqual(['C']);
    expect(findProducts(null)).toEqual([]);
  });

  it('maps to Segment "Product Viewed" properties', () => {
    const p = { '@type': 'Product', sku: 'SKU-1', name: 'Boot', category: 'Shoes', brand: { '@type': 'Brand', name: 'Acme' }, offers: [{ price: '89.90', priceCurrency: 'EUR' }] };
    expect(fromJsonLd(p)).toEqual({ product_id: 'SKU-1', name: 'Boot', price: 89.9, currency: 'EUR', category: 'Shoes', brand: 'Acme' });
    expect(fromJsonLd({ '@id': 'https://shop/p/2', offers: { lowPrice: 5 } })).toMatchObject({ product_id: 'https://shop/p/2', price: 5 });
    expect(fromJsonLd({ sku: 'x', offers: { price: '' } }).price).toBeUndefined();
    expect(fromJsonLd({ sku: 'x', offers: { price: 'call us' } }).price).toBeUndefined();
  });

  it('normalises schema.org availability to snake case', () => {
    const availability = (a: string) => fromJsonLd({ sku: 'x', offers: { availability: a } }).availability;
    expect(availability('https://schema.org/InStock')).toBe('in_stock');
    expect(availability('http://schema.org/OutOfStock')).toBe('out_of_stock');
    expect(availability('schema:PreOrder')).toBe('pre_order');
    expect(availability('BackOrder')).toBe('back_order');
    expect(availability('https://schema.org/Discontinued')).toBe('discontinued');
    expect(availability('https://schema.org/LimitedAvailability')).toBe('limited_availability');
    expect(availability('in_stock')).toBe('in_stock');
    expect(fromJsonLd({ sku: 'x', offers: { availability: { '@id': 'https://schema.org/InStock' } } }).availability).toBeUndefined();
  });

  it('resolves url and the first image against the page, from a URL, a list or an ImageObject', () => {
    vi.stubGlobal('document', { baseURI: 'https://shop.example/p/boot' });
    const p = (extra: object) => fromJsonLd({ sku: 'x', ...extra });
    expect(p({ url: '/p/boot', image: ['img/boot-1.jpg', 'img/boot-2.jpg'] })).toMatchObject({ url: 'https://shop.example/p/boot', image: 'https://shop.example/p/img/boot-1.jpg' });
    expect(p({ image: { '@type': 'ImageObject', url: 'https://cdn.example/boot.jpg', width: 800 } }).image).toBe('https://cdn.example/boot.jpg');
    expect(p({ image: [{ '@type': 'ImageObject', contentUrl: '//cdn.example/a.jpg' }] }).image).toBe('https://cdn.example/a.jpg');
    expect(p({ offers: { url: 'https://shop.example/p/boot?size=42' } }).url).toBe('https://shop.example/p/boot?size=42');
    expect(p({ url: 'http://[bad' }).url).toBeUndefined();
    expect(p({ image: { '@type': 'ImageObject', caption: 'no address' } }).image).toBeUndefined();
  });
});
