//! Form bodies: `Form<T>`, one field of `T` per form field (Powertools' `Form()` and `File()`
//! parameters), and [`UploadFile`], a file sent in a `multipart/form-data` body.
//!
//! With validation on, the host reads and checks each field as Powertools does (a list
//! counting as its first value unless the field takes a list, a file field taking only a
//! file) and describes each file by where it lies in the body, so its bytes cross into the
//! guest once, as the body. Without validation, the SDK reads the body itself with the same
//! reader (`switchyard_multipart`): an urlencoded field parses as its type asks, as `Query<T>`
//! does; a multipart text field is given as text.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
#[cfg(test)]
use serde_json::json;
use switchyard_multipart::FilePart;

use crate::Error;
use crate::openapi::Declare;
use crate::rejection::{Part, Rejection};
use crate::request::{FromRequest, Request};

/// The form fields of the body, deserialized into `T` (a struct, one field per form field):
/// `application/x-www-form-urlencoded`, or `multipart/form-data` when a field is an
/// [`UploadFile`] (which is what OpenAPI then says, with Swagger UI's file picker for it).
///
/// ```
/// use switchyard_sdk::{Form, JsonSchema, UploadFile};
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Upload {
///     /// The file to keep.
///     doc: UploadFile,
///     #[serde(default)]
///     description: String,
/// }
///
/// fn upload(Form(upload): Form<Upload>) -> String {
///     format!("{}: {} bytes", upload.doc.filename, upload.doc.content.len())
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + crate::Documented> FromRequest for Form<T> {
    fn from_request(req: &Request) -> Result<Self, Error> {
        let rejection = |path: String, reason: String| Rejection::new(Part::Form, path, reason);
        let content_type = req.header("content-type").unwrap_or_default();
        let multipart = content_type.starts_with("multipart/form-data");
        let fields: Value = match req.validated("body") {
            Some(validated) => serde_json::from_str(validated.get())
                .map_err(|e| rejection(String::new(), e.to_string()))?,
            None => match unvalidated_fields::<T>(req, content_type, multipart)? {
                Unvalidated::Read(value) => return Ok(Form(value)),
                Unvalidated::Fields(fields) => fields,
            },
        };
        // Only a multipart body holds files to read from it.
        let body = match multipart {
            true => Rc::<[u8]>::from(req.body()),
            false => Rc::from([]),
        };
        let read = with_body(body, || serde_path_to_error::deserialize(fields));
        read.map(Form)
            .map_err(|e| rejection(e.path().to_string(), e.inner().to_string()).into())
    }

    fn declare(declare: &mut Declare<'_>) {
        declare.form::<T>();
    }
}

/// What an unvalidated body gives: `T` already (an urlencoded form, parsed by type), or
/// the fields of a multipart one to read `T` from.
enum Unvalidated<T> {
    Read(T),
    Fields(Value),
}

fn unvalidated_fields<T: DeserializeOwned>(
    req: &Request,
    content_type: &str,
    multipart: bool,
) -> Result<Unvalidated<T>, Error> {
    if multipart {
        return switchyard_multipart::fields(req.body(), content_type)
            .map(|fields| Unvalidated::Fields(Value::Object(fields)))
            .map_err(|e| Rejection::new(Part::Form, String::new(), e).into());
    }
    if content_type.is_empty() || content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(req.body()).into_owned().collect();
        let texts = pairs
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.as_str()));
        return crate::params::from_texts(texts)
            .map(Unvalidated::Read)
            .map_err(|e| Rejection::new(Part::Form, e.path().to_string(), e.inner()).into());
    }
    let reason = format!("`{content_type}` is not a form");
    Err(Rejection::new(Part::Form, String::new(), reason).into())
}

/// A file sent in a `multipart/form-data` body (Powertools' `UploadFile`), read by a
/// [`Form`]; `Vec<UploadFile>` takes every file sent under one name. Its schema is
/// `{"type": "string", "format": "binary"}`, which only a file part satisfies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    /// The `filename` the client sent.
    pub filename: String,
    /// The part's `Content-Type`, when it has one.
    pub content_type: Option<String>,
    /// The file's bytes.
    pub content: Vec<u8>,
}

impl UploadFile {
    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.content.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
    }
}

thread_local! {
    /// The body a [`Form`] is being read from, where its files' contents lie.
    static FORM_BODY: RefCell<Option<Rc<[u8]>>> = const { RefCell::new(None) };
}

/// Runs `read` with `body` as the body files are read from; the one before is back
/// afterwards, also when `read` panics (a user's `Deserialize`).
fn with_body<R>(body: Rc<[u8]>, read: impl FnOnce() -> R) -> R {
    struct Restore(Option<Rc<[u8]>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FORM_BODY.set(self.0.take());
        }
    }
    let _restore = Restore(FORM_BODY.replace(Some(body)));
    read()
}

impl<'de> Deserialize<'de> for UploadFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let described = Value::deserialize(deserializer)?;
        let Some(part) = FilePart::from_json(&described) else {
            return Err(D::Error::custom(format!(
                "expected a file, got {described}"
            )));
        };
        let content = FORM_BODY.with_borrow(|body| {
            let body = body.as_deref()?;
            part.content(body).map(<[u8]>::to_vec)
        });
        let content = content
            .ok_or_else(|| D::Error::custom("a file is read from a form's body (`Form<T>`)"))?;
        Ok(UploadFile {
            filename: part.filename,
            content_type: part.content_type,
            content,
        })
    }
}

impl JsonSchema for UploadFile {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "UploadFile".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "binary"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, JsonSchema, PartialEq)]
    struct Contact {
        name: String,
        #[serde(default)]
        age: Option<u32>,
        #[serde(default)]
        topics: Vec<String>,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    struct Upload {
        doc: UploadFile,
        note: String,
    }

    fn post(content_type: &str, body: &[u8]) -> Request {
        Request::builder("POST", "/")
            .header("content-type", content_type)
            .body(body.to_vec())
            .build()
    }

    #[test]
    fn an_unvalidated_urlencoded_form_parses_each_field_as_its_type_asks() {
        let req = post(
            "application/x-www-form-urlencoded",
            b"name=Ada&age=36&topics=a&topics=b",
        );
        let Form(contact) = Form::<Contact>::from_request(&req).unwrap();
        let want = Contact {
            name: "Ada".into(),
            age: Some(36),
            topics: vec!["a".into(), "b".into()],
        };
        assert_eq!(contact, want);
        let req = post("application/x-www-form-urlencoded", b"name=Ada&age=old");
        let err = Form::<Contact>::from_request(&req).unwrap_err();
        let rejection = err.downcast_ref::<Rejection>().unwrap();
        assert_eq!(
            (rejection.part, rejection.parameter.as_deref()),
            (Part::Form, Some("age"))
        );
    }

    #[test]
    fn an_unvalidated_multipart_form_gives_files_their_bytes() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.bin\"\r\n\
            Content-Type: application/octet-stream\r\n\r\n\x00\xff\x01\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nbinary\r\n--XX--\r\n";
        let req = post("multipart/form-data; boundary=XX", body);
        let Form(upload) = Form::<Upload>::from_request(&req).unwrap();
        assert_eq!(upload.doc.filename, "a.bin");
        assert_eq!(
            upload.doc.content_type.as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(upload.doc.content, [0x00, 0xff, 0x01]);
        assert_eq!(upload.note, "binary");
        // A text part where a file is expected names the field.
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"doc\"\r\n\r\ntext\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--XX--\r\n";
        let err = Form::<Upload>::from_request(&post("multipart/form-data; boundary=XX", body));
        let err = err.unwrap_err();
        assert_eq!(
            err.downcast_ref::<Rejection>()
                .unwrap()
                .parameter
                .as_deref(),
            Some("doc")
        );
    }

    #[test]
    fn a_body_that_is_not_a_form_is_refused_and_a_file_is_read_only_from_one() {
        let err = Form::<Contact>::from_request(&post("application/json", b"{}")).unwrap_err();
        assert_eq!(err.downcast_ref::<Rejection>().unwrap().part, Part::Form);
        let described = json!({"filename": "a", "content_type": null, "offset": 0, "size": 1});
        assert!(serde_json::from_value::<UploadFile>(described).is_err());
    }
}
