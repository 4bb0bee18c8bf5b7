package shopify

// The GraphQL documents this package sends. Each is a named operation and
// the request also carries operationName: package shopifytest's fake
// recognises operations by these names (it has no GraphQL parser), so a
// renamed operation must be renamed there too.
const (
	opShop           = "MerchantInboxShop"
	opProducts       = "MerchantInboxProducts"
	opWebhookCreate  = "MerchantInboxWebhookCreate"
	opWebhooks       = "MerchantInboxWebhooks"
	opWebhookDelete  = "MerchantInboxWebhookDelete"
	webhooksPageSize = 100
)

// shopQuery reads the shop (shopify.dev/docs/api/admin-graphql/2025-10/
// queries/shop).
const shopQuery = `query MerchantInboxShop {
  shop {
    name
    myshopifyDomain
    primaryDomain { url host }
    currencyCode
  }
}`

// productsQuery pages through products with cursor pagination
// (shopify.dev/docs/api/usage/pagination-graphql). featuredImage is
// deprecated in favour of featuredMedia but still served in 2025-10, and it
// is the one field that gives an image URL without a union.
const productsQuery = `query MerchantInboxProducts($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      title
      handle
      vendor
      status
      onlineStoreUrl
      totalInventory
      updatedAt
      featuredImage { url altText }
      variants(first: 100) {
        nodes { id title sku price inventoryQuantity }
      }
    }
  }
}`

// webhookCreateMutation registers an HTTPS subscription with the unified
// uri field; callbackUrl is deprecated since 2025-10 ("webhookSubscriptionCreate
// and webhookSubscriptionUpdate support all URI types", shopify.dev/changelog/
// consolidate-webhook-graphql-surfaces).
const webhookCreateMutation = `mutation MerchantInboxWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`

// webhooksQuery lists the app's shop-scoped subscriptions (app-scoped ones
// from shopify.app.toml are not listed, and cannot be changed here anyway).
const webhooksQuery = `query MerchantInboxWebhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id topic uri }
  }
}`

const webhookDeleteMutation = `mutation MerchantInboxWebhookDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}`
