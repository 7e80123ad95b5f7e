// Product recommendations: a SAR-style item-item model built in ClickHouse, served from memory.
export { buildModel, latestModel, buildTuning, type BuildOptions, type BuiltModel, type ModelInfo } from './build';
export { liveModel, loadModel, forgetModel, modelInMemory, type Model } from './model';
export { recommend, recommendFromMemory, rankWithModel, type RecommendRequest, type Recommendations, type RecommendedItem } from './recommend';
export { strategies, discoveryStrategies, type Strategy } from './strategies';
export { recommendationRoutes, parseRecommendationQuery } from './http';
export { refreshRecommendations, startRecommendationsWorker, recommendationsQueueName } from './scheduler';
export { evaluateRecommendations, scoreStrategies, purchasesBetween, evaluatedStrategies, type Evaluation, type StrategyEvaluation, type Metric } from './evaluate';
export { rankTuning } from './strategies';
export { personalTuning, indexPersonal } from './personal';
export { easeNeighbours } from './ease';
export { easeNeighboursInWorker } from './ease-thread';
export { attributionWindowDays, newRecId, recommendedLink, recordRecommendationShown, flushRecommendationImpressions, recommendationMetrics, type RecSource, type RecommendationMetric } from './attribution';
export { eraseRecommendationData } from './erase';
