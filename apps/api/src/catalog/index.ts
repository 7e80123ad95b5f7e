// The product catalog: products and their price and stock history (ClickHouse `products`, `product_history`).
export { availabilities, feedProductSchema, validateProducts, type ProductError, productHistory, productsByIds, searchProducts, type CatalogPage, upsertFeedProducts, upsertObservedProducts, type ObservedProduct, type Availability, type CatalogProduct, type FeedProduct, type PriceOrStockChange } from './products';
export { catalogRoutes, validateFeed } from './http';
export { catalogAccepts, consumeCatalogEvents } from './consumer';
export { productFromView } from './observed';
export { announceCatalogMoments } from './moments';
export { momentOf, type CatalogMoment } from './products';
export { catalogSettingsOf, catalogSettingsSchema, CatalogSettingsError, defaultCatalogSettings, setCatalogSettings, type CatalogSettings } from './settings';
export type * from './tables';
