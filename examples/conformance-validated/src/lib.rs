//! The `validated` reference app of the conformance suite (`shared/conformance/reference_app.py`),
//! route for route: `enable_validation=True`, typed path, query, header and body parameters, a
//! declared response model, and a custom not-found handler. The host validates; each handler
//! receives typed values.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use switchyard_sdk::{
    App, Error, Header, Json, OpenApi, Path, Query, Request, Response, content_types,
};

/// `class Color(Enum)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    /// red
    Red,
    /// green
    Green,
    /// blue
    Blue,
}

/// `class Country(Enum)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Country {
    /// United States
    US,
    /// Portugal
    PT,
    /// Brazil
    BR,
}

fn one() -> i64 {
    1
}

/// An item to create (`class ItemIn(BaseModel)`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ItemIn {
    /// The item's name, 1 to 40 characters.
    #[schemars(length(min = 1, max = 40))]
    pub name: String,
    /// The unit price, above zero (`gt=0`).
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub price: f64,
    /// How many, 1 to 1000; 1 when not given.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 1000))]
    pub quantity: i64,
    /// An optional color.
    #[serde(default)]
    pub color: Option<Color>,
    /// Free-form tags; none when not given.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A created item (`class ItemOut(BaseModel)`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ItemOut {
    /// The id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// The price.
    pub price: f64,
    /// How many.
    pub quantity: i64,
    /// An optional color.
    #[serde(default)]
    pub color: Option<Color>,
    /// The tags.
    pub tags: Vec<String>,
}

/// `GET /items/<item_id>`: `item_id: int`. Python's ints do not overflow, so the id is an
/// `i128` (validation passes any up to `u64::MAX`) and its double is written exactly: serde_json
/// writes an `i128` field as its digits, where a `Value` holds only 64-bit integers.
pub fn get_item(Path(item_id): Path<i128>) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Doubled {
        item_id: i128,
        double: i128,
    }
    let doubled = Doubled {
        item_id,
        double: item_id * 2,
    };
    serde_json::to_string(&doubled).map_err(|e| Error::custom("SerializationError", e.to_string()))
}

fn ten() -> i64 {
    10
}

/// The query parameters of `GET /search`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SearchQuery {
    /// Search text
    #[schemars(length(min = 3, max = 20))]
    pub q: String,
    /// How many results, 1 to 100; 10 when not given.
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: i64,
    /// An optional color.
    #[serde(default)]
    pub color: Option<Color>,
    /// Every `tags` value.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `GET /search`.
pub fn search(Query(query): Query<SearchQuery>) -> Value {
    json!({"q": query.q, "limit": query.limit, "color": query.color, "tags": query.tags})
}

/// The headers of `GET /countries`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct CountryHeaders {
    /// Viewer countries
    pub cloudfront_viewer_country: Vec<Country>,
}

/// `GET /countries`.
pub fn countries(Header(headers): Header<CountryHeaders>) -> Value {
    json!({"countries": headers.cloudfront_viewer_country})
}

/// `POST /items`: answers the created item.
pub fn create_item(Json(item): Json<ItemIn>) -> Json<ItemOut> {
    Json(ItemOut {
        id: 7,
        name: item.name,
        price: item.price,
        quantity: item.quantity,
        color: item.color,
        tags: item.tags,
    })
}

/// `GET /bad-response`: an answer that is not an `ItemOut`, which response validation fails.
pub fn bad_response() -> Value {
    json!({"id": "not-a-number", "name": "x"})
}

/// `@app.not_found`: a teapot.
pub fn teapot(_req: &Request, _err: &Error) -> Response {
    Response::new(418)
        .content_type(content_types::TEXT_PLAIN)
        .body("I'm a teapot!")
}

/// The app.
pub fn app() -> App {
    App::new()
        .enable_validation()
        .openapi(OpenApi::new().title("Validated items API").version("1.0.0"))
        .not_found(teapot)
        .get("/items/<item_id>", get_item)
        .summary("Get one item")
        .tags(["items"])
        .returns::<Map<String, Value>>()
        .get("/search", search)
        .tags(["items"])
        .operation_id("searchItems")
        .returns::<Map<String, Value>>()
        .get("/countries", countries)
        .returns::<Map<String, Value>>()
        .post("/items", create_item)
        .tags(["items"])
        .response_description("The created item")
        .returns::<ItemOut>()
        .get("/bad-response", bad_response)
        .returns::<ItemOut>()
}

switchyard_sdk::export!(app);
