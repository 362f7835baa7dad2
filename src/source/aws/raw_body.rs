//! The body of a successful AWS response, taken for rampart's own parsers: the SDK's typed
//! output drops fields it does not model (and building it for every resource detail of
//! every finding was half of a sync's time), while the raw record keeps them and replay
//! reads the same JSON with the same code. The SDK is handed `{}` instead, which its
//! error correction turns into an empty output. Error responses are left to the SDK.
//!
//! The interceptor types are the smithy runtime's, re-exported by every service crate, so
//! one implementation serves Security Hub, Access Analyzer, Config and CloudTrail.

use aws_sdk_securityhub::config::interceptors::BeforeDeserializationInterceptorContextMut;
use aws_sdk_securityhub::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_types::body::SdkBody;
use std::sync::{Arc, Mutex};

/// Add to one request with `.customize().interceptor(body.clone())`, then [`RawBody::take`].
#[derive(Debug, Default, Clone)]
pub struct RawBody(Arc<Mutex<Option<Vec<u8>>>>);

impl RawBody {
    /// The body of the response, once it has been read (empty if there was none).
    pub fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }
}

impl Intercept for RawBody {
    fn name(&self) -> &'static str {
        "rampart-raw-body"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let response = context.response_mut();
        if !response.status().is_success() {
            return Ok(());
        }
        let inner = response.take_body();
        *response.body_mut() = SdkBody::from_body_1_x(Tee {
            inner,
            sink: self.0.clone(),
            kept: Vec::new(),
            done: false,
        });
        Ok(())
    }
}

/// The largest response body kept: a Security Hub page of 100 findings is a few MB, so a
/// body this large is not an AWS answer, and it is refused rather than held.
pub const MAX_BODY: usize = 64 << 20;

/// A body that keeps what it reads and yields `{}` when the real body ends.
struct Tee {
    inner: SdkBody,
    sink: Arc<Mutex<Option<Vec<u8>>>>,
    kept: Vec<u8>,
    done: bool,
}

impl http_body::Body for Tee {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        use std::task::Poll;
        if self.done {
            return Poll::Ready(None);
        }
        loop {
            match std::pin::Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        if self.kept.len() + data.len() > MAX_BODY {
                            self.kept = Vec::new();
                            self.done = true;
                            return Poll::Ready(Some(Err(format!(
                                "the response body is larger than {} MiB: not read",
                                MAX_BODY >> 20
                            )
                            .into())));
                        }
                        if self.kept.is_empty() {
                            // The body's length when the server gave one: a page of
                            // findings is a few hundred KB, grown by doubling otherwise.
                            let hint = http_body::Body::size_hint(&self.inner);
                            let expected = hint.exact().unwrap_or(hint.lower()) as usize;
                            self.kept.reserve(expected.min(MAX_BODY) + data.len());
                        }
                        self.kept.extend_from_slice(&data);
                    }
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => {
                    let kept = std::mem::take(&mut self.kept);
                    *self.sink.lock().unwrap_or_else(|e| e.into_inner()) = Some(kept);
                    self.done = true;
                    let empty = bytes::Bytes::from_static(b"{}");
                    return Poll::Ready(Some(Ok(http_body::Frame::data(empty))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn drain(mut tee: Tee) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        loop {
            let frame = std::future::poll_fn(|cx| {
                http_body::Body::poll_frame(std::pin::Pin::new(&mut tee), cx)
            })
            .await;
            match frame {
                None => return Ok(out),
                Some(Err(e)) => return Err(e.to_string()),
                Some(Ok(f)) => out.extend_from_slice(&f.into_data().unwrap_or_default()),
            }
        }
    }

    fn tee(bytes: Vec<u8>, sink: &Arc<Mutex<Option<Vec<u8>>>>) -> Tee {
        Tee {
            inner: SdkBody::from(bytes),
            sink: sink.clone(),
            kept: Vec::new(),
            done: false,
        }
    }

    /// Hardening 11: the body kept for rampart's parsers is bounded.
    #[tokio::test]
    async fn hardening_11_a_huge_response_body_is_refused_not_held() {
        let sink = Arc::new(Mutex::new(None));
        let e = drain(tee(vec![b'x'; MAX_BODY + 1], &sink))
            .await
            .unwrap_err();
        assert!(e.contains("larger than 64 MiB"), "{e}");
        assert!(sink.lock().unwrap().is_none(), "nothing kept");
        let ok = drain(tee(b"{\"Findings\":[]}".to_vec(), &sink))
            .await
            .unwrap();
        assert_eq!(ok, b"{}", "the SDK gets an empty object");
        assert_eq!(
            sink.lock().unwrap().as_deref(),
            Some(&b"{\"Findings\":[]}"[..])
        );
    }
}
