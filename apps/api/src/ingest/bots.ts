// User-agent classes of automated traffic; stored with a flag (is_bot) rather than dropped, so the raw
// stream stays complete while features and segments ignore it.
const botPattern =
  /bot\b|bot\/|crawl|spider|slurp|headlesschrome|phantomjs|lighthouse|pagespeed|pingdom|uptime|monitor|preview|facebookexternalhit|embedly|curl\/|wget\/|python-requests|python-urllib|go-http-client|java\/|okhttp|axios\/|node-fetch|scrapy|httpclient|apache-httpclient/i;

export function isBotUserAgent(userAgent: string | undefined): boolean {
  return !!userAgent && botPattern.test(userAgent);
}
