//! [`Client`], its builder, and the request core: one attempt, the envelope
//! decoding, the error mapping and the retry loop.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::StatusCode;
use kie_suno_types::{Endpoint, Host, Method, TaskId};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use crate::envelope::{decode, method_str, transport_error};
use crate::error::{ConfigError, DecodeError};
use crate::limiter::{Limiter, RateLimit};
use crate::retry::{may_retry, parse_retry_after, RetryPolicy};
use crate::{ClientError, Clock, Result, TokioClock};

/// Default API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.kie.ai";
/// Default file-upload base URL (07-file-upload).
pub const DEFAULT_UPLOAD_BASE_URL: &str = "https://kieai.redpandaai.co";
/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "KIE_API_KEY";
/// Environment variable overriding the API base URL.
pub const ENV_BASE_URL: &str = "KIE_BASE_URL";
/// Environment variable overriding the file-upload base URL.
pub const ENV_UPLOAD_BASE_URL: &str = "KIE_UPLOAD_BASE_URL";

/// The KIE.AI Suno API client. Cheap to clone (one `Arc`); clones share the
/// connection pool and the rate limiter.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    api_base: String,
    upload_base: String,
    /// The upload base is https and this build has no TLS (see `build`).
    upload_tls_missing: bool,
    auth: HeaderValue,
    user_agent: Option<HeaderValue>,
    timeout: Duration,
    pub(crate) retry: RetryPolicy,
    limiter: Option<Limiter>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("api_key", &"[redacted]")
            .field("base_url", &i.api_base)
            .field("upload_base_url", &i.upload_base)
            .field("timeout", &i.timeout)
            .field("retry", &i.retry)
            .field("rate_limit", &i.limiter.as_ref().map(|_| "on"))
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with the default settings for `api_key`.
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from the environment: `KIE_API_KEY` (required),
    /// `KIE_BASE_URL` and `KIE_UPLOAD_BASE_URL` (optional).
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env()?.build()
    }

    /// A builder with every default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.api_base
    }

    /// The file-upload base URL in use.
    pub fn upload_base_url(&self) -> &str {
        &self.inner.upload_base
    }

    /// The clock used for backoff, rate limiting and waiters.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use kie_suno_client::{Client, RateLimit, RetryPolicy};
/// let client = Client::builder()
///     .api_key("my-key")
///     .base_url("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::default().with_max_attempts(5))
///     .rate_limit(Some(RateLimit::new(10, Duration::from_secs(10))))
///     .build()?;
/// assert!(!format!("{client:?}").contains("my-key"));
/// # Ok::<(), kie_suno_client::ClientError>(())
/// ```
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    upload_base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("upload_base_url", &self.upload_base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            upload_base_url: DEFAULT_UPLOAD_BASE_URL.to_owned(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            rate_limit: Some(RateLimit::DOCUMENTED),
            user_agent: Some(concat!("kie-suno-client/", env!("CARGO_PKG_VERSION")).to_owned()),
            http: None,
            clock: Arc::new(TokioClock),
        }
    }
}

impl ClientBuilder {
    /// The API key (required). Kept as a `SecretString`; never printed.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// Reads `KIE_API_KEY` (required), `KIE_BASE_URL` and `KIE_UPLOAD_BASE_URL`
    /// (optional) from the environment.
    pub fn from_env(mut self) -> Result<Self> {
        let key = std::env::var(ENV_API_KEY)
            .ok()
            .filter(|k| !k.trim().is_empty())
            .ok_or(ConfigError::MissingEnv(ENV_API_KEY))?;
        self = self.api_key(key);
        if let Some(url) = std::env::var(ENV_BASE_URL).ok().filter(|u| !u.is_empty()) {
            self = self.base_url(url);
        }
        if let Some(url) = std::env::var(ENV_UPLOAD_BASE_URL)
            .ok()
            .filter(|u| !u.is_empty())
        {
            self = self.upload_base_url(url);
        }
        Ok(self)
    }

    /// The API base URL. Default: `https://api.kie.ai`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The file-upload base URL. Default: `https://kieai.redpandaai.co`.
    pub fn upload_base_url(mut self, url: impl Into<String>) -> Self {
        self.upload_base_url = url.into();
        self
    }

    /// Timeout of one HTTP attempt (connect to last body byte). Default: 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout; applies only to the reqwest client the builder creates,
    /// not to one given with [`http_client`](Self::http_client). Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy. Default: [`RetryPolicy::default`] (3 attempts, 500 ms
    /// first backoff ceiling, 10 s largest, 120 s per call).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The client-side limit on task-creating requests, shared by every clone of
    /// the client; `None` turns it off. Default: 20 per 10 s (the documented
    /// account limit).
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The `User-Agent` header; `None` sends none (or the given reqwest client's).
    /// Default: `kie-suno-client/<version>`.
    pub fn user_agent(mut self, ua: Option<String>) -> Self {
        self.user_agent = ua;
        self
    }

    /// Use this reqwest client (its pool, proxy, TLS settings) instead of building
    /// one. Default: a new client with the TLS stack of the crate's enabled
    /// feature (plain http only without one: see the crate docs' feature flags).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The clock for backoff sleeps, the rate limiter and waiters.
    /// Default: [`TokioClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        if key.expose_secret().trim().is_empty() {
            return Err(ConfigError::EmptyApiKey.into());
        }
        let mut auth = HeaderValue::try_from(format!("Bearer {}", key.expose_secret()))
            .map_err(ConfigError::InvalidApiKey)?;
        auth.set_sensitive(true);
        let user_agent = self
            .user_agent
            .map(|ua| HeaderValue::try_from(ua).map_err(ConfigError::InvalidUserAgent))
            .transpose()?;
        let api_base = normalise_base("base url", &self.base_url)?;
        let upload_base = normalise_base("upload base url", &self.upload_base_url)?;
        // Without a TLS feature, a reqwest client built here cannot speak https
        // (reqwest would fail each call as a connection error, and the retries
        // would repeat it): refuse the API base now, the upload base at its calls.
        // A client given with `http_client` may have TLS of its own.
        let upload_tls_missing = self.http.is_none() && !TLS && is_https(&upload_base);
        if self.http.is_none() && !TLS && is_https(&api_base) {
            return Err(ConfigError::TlsDisabled {
                what: "base url",
                url: self.base_url,
            }
            .into());
        }
        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(ConfigError::HttpClient)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_base,
                upload_base,
                upload_tls_missing,
                auth,
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                limiter: self.rate_limit.map(Limiter::new),
                clock: self.clock,
            }),
        })
    }
}

/// Whether this build has a TLS stack (one of the TLS features).
const TLS: bool = cfg!(any(
    feature = "rustls-tls",
    feature = "rustls-tls-native-roots",
    feature = "native-tls"
));

fn is_https(base: &str) -> bool {
    base.get(..6)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https:"))
}

fn normalise_base(what: &'static str, raw: &str) -> Result<String, ConfigError> {
    let url = reqwest::Url::parse(raw).map_err(|source| ConfigError::InvalidUrl {
        what,
        url: raw.to_owned(),
        source,
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ConfigError::UnsupportedUrl {
            what,
            url: raw.to_owned(),
        });
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// The body of one call.
pub(crate) enum Payload {
    /// No body.
    Empty,
    /// A JSON body, serialised once and shared by every attempt.
    Json(Bytes),
    /// A multipart form. `replayable` says whether `build` can make a second one;
    /// a streamed body cannot (it is never retried). `build` returns `None` when
    /// it has nothing left to send.
    Form {
        build: Box<dyn FnMut() -> Option<reqwest::multipart::Form> + Send>,
        replayable: bool,
    },
}

impl Payload {
    fn replayable(&self) -> bool {
        match self {
            Self::Empty | Self::Json(_) => true,
            Self::Form { replayable, .. } => *replayable,
        }
    }
}

/// One logical call (attempts and retries included).
pub(crate) struct Call<'a> {
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) method: Method,
    pub(crate) host: Host,
    pub(crate) path: &'a str,
    pub(crate) task_id: Option<&'a TaskId>,
    pub(crate) query: &'a [(&'a str, &'a str)],
    pub(crate) creates_task: bool,
    pub(crate) payload: Payload,
}

impl<'a> Call<'a> {
    pub(crate) fn endpoint(endpoint: Endpoint) -> Self {
        Self {
            endpoint: Some(endpoint),
            method: endpoint.method(),
            host: endpoint.host(),
            path: endpoint.path(),
            task_id: None,
            query: &[],
            creates_task: endpoint.creates_task(),
            payload: Payload::Empty,
        }
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(ClientError::Encode)?;
        self.payload = Payload::Json(Bytes::from(bytes));
        Ok(self)
    }
}

impl Client {
    /// Runs a call: rate limit (task-creating calls), attempts, retries.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, mut call: Call<'_>) -> Result<T> {
        let span = tracing::debug_span!(
            "kie_suno_request",
            method = method_str(call.method),
            path = call.path,
            task_id = call.task_id.map(TaskId::as_str),
            attempt = tracing::field::Empty,
        );
        let inner = &*self.inner;
        async {
            let clock = &*inner.clock;
            let started = clock.now();
            let policy = &inner.retry;
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                if call.creates_task {
                    if let Some(limiter) = &inner.limiter {
                        limiter.acquire(clock).await;
                    }
                }
                let elapsed = clock.now().saturating_duration_since(started);
                let remaining = policy.total_deadline.saturating_sub(elapsed);
                if remaining.is_zero() {
                    return Err(ClientError::Timeout {
                        path: call.path.to_owned(),
                        source: None,
                    });
                }
                let Some(result) = self
                    .attempt::<T>(&mut call, inner.timeout.min(remaining))
                    .await
                else {
                    return Err(ClientError::InvalidRequest(
                        kie_suno_types::ValidationError::NotAllowed {
                            field: "body",
                            reason: "a streamed body cannot be sent twice".into(),
                        },
                    ));
                };
                let err = match result {
                    Ok(v) => return Ok(v),
                    Err(e) => e,
                };
                if attempt >= policy.max_attempts || !may_retry(call.creates_task, &err) {
                    tracing::debug!(error = %err, "request failed");
                    return Err(err);
                }
                let Some(delay) = policy.delay(attempt, err.retry_after()) else {
                    tracing::debug!(error = %err, "retry-after too long, giving up");
                    return Err(err);
                };
                let elapsed = clock.now().saturating_duration_since(started);
                if elapsed + delay >= policy.total_deadline {
                    tracing::debug!(error = %err, "no time left for a retry");
                    return Err(err);
                }
                if !call.payload.replayable() {
                    return Err(err);
                }
                tracing::debug!(error = %err, ?delay, "retrying");
                clock.sleep(delay).await;
            }
        }
        .instrument(span)
        .await
    }

    /// One HTTP attempt. `None` when the body cannot be rebuilt for it.
    async fn attempt<T: DeserializeOwned>(
        &self,
        call: &mut Call<'_>,
        timeout: Duration,
    ) -> Option<Result<T>> {
        let inner = &*self.inner;
        let base = match call.host {
            Host::Upload if inner.upload_tls_missing => {
                return Some(Err(ConfigError::TlsDisabled {
                    what: "upload base url",
                    url: inner.upload_base.clone(),
                }
                .into()));
            }
            Host::Upload => &inner.upload_base,
            _ => &inner.api_base,
        };
        let mut url = String::with_capacity(base.len() + call.path.len());
        url.push_str(base);
        url.push_str(call.path);
        let method = match call.method {
            Method::Get => reqwest::Method::GET,
            _ => reqwest::Method::POST,
        };
        let mut rb = inner
            .http
            .request(method, url)
            .header(AUTHORIZATION, inner.auth.clone())
            .timeout(timeout);
        if let Some(ua) = &inner.user_agent {
            rb = rb.header(USER_AGENT, ua.clone());
        }
        if !call.query.is_empty() {
            rb = rb.query(call.query);
        }
        rb = match &mut call.payload {
            Payload::Empty => rb,
            Payload::Json(bytes) => rb
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone()),
            Payload::Form { build, .. } => rb.multipart(build()?),
        };
        let resp = match rb.send().await {
            Ok(r) => r,
            Err(e) => return Some(Err(transport_error(call.path, e))),
        };
        let status = resp.status();
        let retry_after = parse_retry_after(resp.headers());
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Some(Err(transport_error(call.path, e))),
        };
        Some(decode(call.endpoint, call.path, status, retry_after, &body))
    }

    /// Submits a task to a task-creating endpoint and returns its id.
    ///
    /// The generic form of `lyrics().generate`, `music().generate`, ...: use it for
    /// an endpoint whose typed method does not fit. Subject to the rate limiter and
    /// to the no-retry rule of billed requests.
    pub async fn post_task(&self, endpoint: Endpoint, body: &impl Serialize) -> Result<TaskId> {
        let created: kie_suno_types::TaskCreated = self.call(endpoint, body).await?;
        if created.task_id.as_str().trim().is_empty() {
            return Err(ClientError::Decode(Box::new(
                DecodeError::new(
                    endpoint.path(),
                    StatusCode::OK,
                    "data.taskId",
                    "the task id is empty",
                )
                .with_endpoint(endpoint),
            )));
        }
        Ok(created.task_id)
    }

    /// Calls a documented POST endpoint and returns the envelope's `data` as `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: &impl Serialize,
    ) -> Result<T> {
        self.execute(Call::endpoint(endpoint).json(body)?).await
    }

    /// Reads a task's details from a record-info endpoint (`?taskId=`).
    pub async fn details<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        task_id: &TaskId,
    ) -> Result<T> {
        let query = [("taskId", task_id.as_str())];
        let mut call = Call::endpoint(endpoint);
        call.task_id = Some(task_id);
        call.query = &query;
        self.execute(call).await
    }
}
