// User-agent classes of automated traffic; stored with a flag (is_bot) rather than dropped, so the raw
// stream stays complete while features and segments ignore it.
const botPattern =
  /bot\b|bot\/|crawl|spider|slurp|headlesschrome|phantomjs|lighthouse|pagespeed|pingdom|uptime|monitor|preview|facebookexternalhit|embedly|curl\/|wget\/|python-requests|python-urllib|go-http-client|java\/|okhttp|axios\/|node-fetch|scrapy|httpclient|apache-httpclient/i;

let lastAgent: string | undefined;
let lastVerdict = false;

/** The events of a request share its user agent: the last verdict is kept. */
export function isBotUserAgent(userAgent: string | undefined): boolean {
  if (userAgent !== lastAgent) {
    lastVerdict = !!userAgent && botPattern.test(userAgent);
    lastAgent = userAgent;
  }
  return lastVerdict;
}
