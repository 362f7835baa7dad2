//! Readers for a record's fields that take a wrong JSON type as a missing value, as AWS's
//! own tools do: one odd field must not cost the record.

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// An object field read as `T`; any other JSON type reads as `T::default()`, as a
/// missing one does.
#[derive(Default)]
pub(super) struct Lenient<T>(pub(super) T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Lenient(match Nested::deserialize(d)? {
            Nested::Object(t) => t,
            Nested::Missing | Nested::Array | Nested::Other => T::default(),
        }))
    }
}

/// An object field with its shape kept (what [`Lenient`] reads through): a path lookup on
/// the record walks an array element by element, so under an array nothing is certain; a
/// string or number there is simply no object (in the identity it used to cost the record).
#[derive(Default)]
pub(super) enum Nested<T> {
    #[default]
    Missing,
    Object(T),
    Array,
    Other,
}

impl<T> Nested<T> {
    pub(super) fn object(&self) -> Option<&T> {
        match self {
            Nested::Object(t) => Some(t),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nested<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Nested<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Nested<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Nested::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Nested::Array)
            }
            fn visit_str<E>(self, _: &str) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
            fn visit_unit<E>(self) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
            fn visit_none<E>(self) -> Result<Nested<T>, E> {
                Ok(Nested::Other)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A string field that may be missing: `None` only when its key is absent. A `null` is
/// present (`Some` of no text), as a rule reading the record sees it.
pub(super) fn present<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Text<'a>>, D::Error> {
    Text::deserialize(d).map(Some)
}

/// A string field, borrowed from the input when it has no escapes; any other JSON type
/// reads as absent.
#[derive(Default)]
pub(super) struct Text<'a>(Option<Cow<'a, str>>);

impl Text<'_> {
    pub(super) fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor(std::marker::PhantomData))
    }
}

struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'a>, E> {
        Ok(Text(Some(Cow::Borrowed(s))))
    }
    fn visit_str<E>(self, s: &str) -> Result<Text<'a>, E> {
        Ok(Text(Some(Cow::Owned(s.to_string()))))
    }
    fn visit_string<E>(self, s: String) -> Result<Text<'a>, E> {
        Ok(Text(Some(Cow::Owned(s))))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_unit<E>(self) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_none<E>(self) -> Result<Text<'a>, E> {
        Ok(Text(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'a>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
}
