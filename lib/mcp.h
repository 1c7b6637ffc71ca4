/*
 * mcp.h: the public interface of libmcpfcgi, for endpoint programs and
 * their tools.
 *
 * An endpoint is one `struct mcp_endpoint` (its tools, resources, templates
 * and prompts, declared in one place) handed to mcp_main(), which serves it
 * as a persistent, multi-threaded FastCGI responder, or answers one request
 * when started as plain CGI.
 *
 * Ownership: every function returning a `struct json_object *` hands the
 * caller one reference, to be released with json_object_put(), unless its
 * comment says otherwise.  Functions that take a `struct json_object *`
 * argument named `consumed` take that reference, also on failure.
 */
#ifndef MCP_H
#define MCP_H

#include <stddef.h>

#include <json-c/json.h>

/* Protocol revisions, oldest first. */
#define MCP_V20241105 "2024-11-05"
#define MCP_V20250326 "2025-03-26"
#define MCP_V20250618 "2025-06-18"
#define MCP_V20251125 "2025-11-25"
#define MCP_V20260728 "2026-07-28"

/* Tool annotation hints (MCP "ToolAnnotations"); all four are always sent. */
#define MCP_HINT_READONLY	0x01
#define MCP_HINT_DESTRUCTIVE	0x02
#define MCP_HINT_IDEMPOTENT	0x04
#define MCP_HINT_OPENWORLD	0x08

/* Tool flags. */
#define MCP_TOOL_STREAMS	0x01	/* always answer as SSE (it sends requests) */
#define MCP_TOOL_TASKS		0x02	/* may run as a task (mcp_call_task()) */

/* RFC 5424 severities as MCP names them, least severe first. */
enum mcp_level {
	MCP_LEVEL_DEBUG = 0,
	MCP_LEVEL_INFO,
	MCP_LEVEL_NOTICE,
	MCP_LEVEL_WARNING,
	MCP_LEVEL_ERROR,
	MCP_LEVEL_CRITICAL,
	MCP_LEVEL_ALERT,
	MCP_LEVEL_EMERGENCY,
	MCP_LEVEL__MAX
};

/*
 * One request in progress: a tools/call, or the resources/read or
 * resources/subscribe that runs a resource reader.  Opaque.
 */
struct mcp_call;

struct mcp_tool {
	const char	*name;		/* 1-128 of [A-Za-z0-9_.-] */
	const char	*title;
	const char	*description;
	const char	*scopes;	/* space-separated; "" for none */
	const char	*input_schema;	/* JSON text; NULL: no arguments */
	const char	*output_schema;	/* JSON text or NULL */
	unsigned int	 hints;		/* MCP_HINT_* */
	unsigned int	 flags;		/* MCP_TOOL_* */
	/*
	 * Runs with arguments already validated against input_schema.
	 * Returns a CallToolResult (build it with mcp_result_*), or NULL for
	 * an internal failure, which the client sees as -32603.
	 */
	struct json_object *(*run)(struct mcp_call *, struct json_object *args);
};

/*
 * Resources and templates declare scopes as tools do: resources/read and
 * resources/subscribe of a URI they serve need every one of them.  The
 * reader runs with the caller known (mcp_call_caller(), the data API) and
 * returns the "contents" array, or NULL when the resource does not exist
 * for this caller; a resource of another workspace must answer NULL too.
 * resources/subscribe runs the reader once to learn that.  On 2026-07-28
 * resources/read's reader may return mcp_call_input_required(c) instead.
 */
struct mcp_resource {
	const char	*uri;
	const char	*name;
	const char	*title;
	const char	*description;
	const char	*mime_type;
	const char	*scopes;	/* space-separated; "" or NULL: none */
	struct json_object *(*read)(struct mcp_call *, const char *uri);
};

struct mcp_resource_template {
	const char	*uri_template;	/* RFC 6570 level 1: "x://a/{id}/b" */
	const char	*name;
	const char	*title;
	const char	*description;
	const char	*mime_type;
	const char	*scopes;	/* space-separated; "" or NULL: none */
	/* vars maps each {name} to its string, never empty or with '/'. */
	struct json_object *(*read)(struct mcp_call *, const char *uri,
	    struct json_object *vars);
};

struct mcp_prompt_arg {
	const char	*name;
	const char	*description;
	int		 required;
};

struct mcp_prompt {
	const char			*name;
	const char			*title;
	const char			*description;
	const struct mcp_prompt_arg	*args;	/* ends with a NULL name */
	/*
	 * args holds validated strings; returns the "messages" array, or
	 * (2026-07-28) mcp_call_input_required(c).
	 */
	struct json_object *(*get)(struct mcp_call *, struct json_object *args);
	/* Optional: completion values (array of strings) for one argument. */
	struct json_object *(*complete)(const char *arg, const char *value);
};

struct mcp_endpoint {
	const char				*name;	/* serverInfo.name */
	const char				*title;
	const char				*version;
	const char				*instructions;
	const struct mcp_tool			*tools;
	size_t					 ntools;
	const struct mcp_resource		*resources;
	size_t					 nresources;
	const struct mcp_resource_template	*templates;
	size_t					 ntemplates;
	const struct mcp_prompt			*prompts;
	size_t					 nprompts;
	/*
	 * The URL path it answers (any other is a JSON 404).  NULL: the
	 * path of the configured resource URL with auth = bearer, any path
	 * without auth.
	 */
	const char				*path;
};

/*
 * Serves the endpoint until the web server stops it.  Reads the
 * configuration named by $MCP_FCGI_CONFIG (or the built-in defaults).
 * Returns the process exit status.
 */
int	mcp_main(const struct mcp_endpoint *, int, char *[]);

/* --- Building tool results (lib/result.c) --- */

/* {"content":[]}; NULL on allocation failure. */
struct json_object	*mcp_result_new(void);
/* A result holding one text block. */
struct json_object	*mcp_result_text(const char *);
/* An isError result with a formatted text block. */
struct json_object	*mcp_result_errorf(const char *, ...)
			    __attribute__((format(printf, 1, 2)));
/*
 * A result whose structuredContent is `consumed` and whose one text block
 * is the same JSON serialized (MCP 2025-06-18 "structured content").  The
 * block is made when the answer is written, from the JSON written for
 * structuredContent, so the object holds only structuredContent until
 * then; a tool that adds content blocks of its own gets those instead.
 */
struct json_object	*mcp_result_structured(struct json_object *consumed);
/* Append content blocks; each returns 0 or -1 (allocation). */
int	mcp_result_add_text(struct json_object *, const char *);
int	mcp_result_add_image(struct json_object *, const char *b64,
	    const char *mime);
int	mcp_result_add_audio(struct json_object *, const char *b64,
	    const char *mime);
int	mcp_result_add_resource(struct json_object *, const char *uri,
	    const char *mime, const char *text);

/* A contents array of one text resource (for resource readers). */
struct json_object	*mcp_contents_text(const char *uri, const char *mime,
			    const char *text);
struct json_object	*mcp_contents_blob(const char *uri, const char *mime,
			    const char *b64);
/* One prompt message {role, content}; content is consumed. */
struct json_object	*mcp_message(const char *role,
			    struct json_object *consumed);
struct json_object	*mcp_content_text(const char *);

/* --- Inside a running tool (lib/call.c) --- */

/*
 * Send notifications/progress when the request carried a progress token.
 * Returns 0, or -1 when the client has gone or cancelled.
 */
int	mcp_call_progress(struct mcp_call *, double progress, double total,
	    const char *message);
/*
 * The responder's own log (never the client), under the call's request
 * id: what an operator needs to trace the call.
 */
void	mcp_call_trace(struct mcp_call *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Send notifications/message when the session's level lets it through. */
int	mcp_call_log(struct mcp_call *, enum mcp_level, const char *logger,
	    const char *text);
/*
 * Send a request to the client (sampling/createMessage, elicitation/create,
 * roots/list) on this call's SSE stream and wait up to timeout_ms for the
 * answer, which may arrive at another process.  params is consumed.
 * Returns the answer's "result" object; NULL on error, timeout,
 * cancellation, or when the client did not declare the capability; then
 * *errstr (if not NULL) is set to a static description.
 */
struct json_object	*mcp_call_request(struct mcp_call *, const char *method,
			    struct json_object *consumed, int timeout_ms,
			    const char **errstr);
/*
 * Asks the client for input: elicitation/create, sampling/createMessage
 * or roots/list, params consumed.  The same handler serves every
 * revision:
 *
 * - Up to 2025-11-25 this is mcp_call_request(): the request goes out on
 *   the call's SSE stream and the answer is awaited.
 * - On 2026-07-28 (multi round-trip requests) the client's answer comes
 *   with a retry of the whole request, in params.inputResponses under key.
 *   When the retry carries an answer of the method's shape (an accepted
 *   form holds every required field of the schema asked), it is returned.
 *   Otherwise the request is added to this round's inputRequests under
 *   key, NULL is returned with *errstr == MCP_INPUT_PENDING, and the
 *   handler, having asked for all it needs, returns
 *   mcp_call_input_required(c).  The handler runs again from the start on
 *   the retry, so it asks the same things under the same keys.
 *
 * Both return NULL with another *errstr when the client did not declare
 * the capability (the handler may go on without it, or refuse with
 * mcp_call_require()), or on failure.  The answer is the client's result
 * object (ElicitResult, CreateMessageResult, ListRootsResult).
 */
extern const char	MCP_INPUT_PENDING[];
struct json_object	*mcp_call_input(struct mcp_call *, const char *key,
			    const char *method, struct json_object *consumed,
			    int timeout_ms, const char **errstr);
/*
 * 2026-07-28: adds a request to this round's inputRequests under key
 * whatever answer the retry carries (to ask again); params consumed.  0,
 * or -1 before 2026-07-28, for a capability the client did not declare,
 * or past MCP_INPUT_MAX requests.
 */
int	mcp_call_ask(struct mcp_call *, const char *key, const char *method,
	    struct json_object *consumed);
/* 1 if the client declared capability cap ("elicitation", ...). */
int	mcp_call_declared(struct mcp_call *, const char *cap);
/* 1 when this round asked the client for something (2026-07-28). */
int	mcp_call_input_pending(const struct mcp_call *);
/*
 * The InputRequiredResult to return (tools/call, prompts/get,
 * resources/read on 2026-07-28): this round's inputRequests and the state
 * set with mcp_call_state_set(), sealed into requestState.  NULL (an
 * internal error for the client) when there is neither, or before
 * 2026-07-28.
 */
struct json_object	*mcp_call_input_required(struct mcp_call *);
/*
 * What the handler set with mcp_call_state_set() in the round before
 * this one, once the server has checked that it made that requestState
 * for this caller and this very request (method, name, arguments) less
 * than request_state_seconds ago; NULL in a first round.  Borrowed.  A
 * requestState that fails those checks never reaches the handler: the
 * client gets -32602.
 */
struct json_object	*mcp_call_state(struct mcp_call *);
/*
 * Sets what the next round needs to know (consumed), at most
 * MCP_STATE_MAX bytes as JSON; 0 or -1.  The client holds it sealed and
 * can neither read nor alter it, but may present it again until it
 * expires: what must happen at most once is for the handler to enforce.
 */
int	mcp_call_state_set(struct mcp_call *, struct json_object *consumed);
/*
 * Runs the rest of this tools/call as a task (2026-07-28 tasks
 * extension; the tool has MCP_TOOL_TASKS): the client gets its
 * CreateTaskResult now, and what the tool returns becomes the task's
 * result (NULL: failed), which the client reads with tasks/get from any
 * process.  From here mcp_call_input() waits for the client's tasks/update
 * (each key is asked once in a task's life; mcp_call_ask() puts several
 * out at once), mcp_call_cancelled() and mcp_call_sleep() see tasks/cancel,
 * and notifications go nowhere.  0, or -1 when it cannot: before
 * 2026-07-28, a client that did not declare the extension, a CGI run, or
 * the limits (max_tasks per process and a caller's half of them,
 * MCP_TASKS_PER_OWNER live per caller).  An optional task (required 0)
 * then goes on as a plain call; a required one returns NULL, which the
 * client gets as -32021 naming the extension, or 429 / -32043 for a
 * limit.
 */
int	mcp_call_task(struct mcp_call *, int required);
/*
 * 0 when the client declared capability cap ("sampling", "elicitation",
 * "roots"); else -1, and a handler that returns NULL then answers
 * MissingRequiredClientCapabilityError (-32021, HTTP 400 on 2026-07-28)
 * naming it.
 */
int	mcp_call_require(struct mcp_call *, const char *cap);
/*
 * Ends the call's SSE stream now, its answer still to come (2025-11-25
 * "polling"): the client resumes the stream with a GET carrying
 * Last-Event-ID, and what the call sends from here on waits in the
 * store.  0, or -1 when the call has no stream kept in the store (no
 * session, no SSE, or a CGI run).
 */
int	mcp_call_end_stream(struct mcp_call *);
/* Sleep, returning -1 early if the call was cancelled or the client left. */
int	mcp_call_sleep(struct mcp_call *, int ms);
int	mcp_call_cancelled(struct mcp_call *);
/*
 * Tells every session subscribed to uri (resources/subscribe) that the
 * resource changed: each gets notifications/resources/updated on its next
 * stream.  Call it after the change is committed.  0, or -1 when the
 * notice could not be queued (logged; the change stands).
 */
int	mcp_call_resource_updated(struct mcp_call *, const char *uri);
/* The protocol revision governing this call. */
const char	*mcp_call_version(const struct mcp_call *);

/* --- Who is calling (lib/caller.c) --- */

/* What the verified access token says; strings live as long as the call. */
struct mcp_caller {
	const char	*issuer;
	const char	*subject;
	const char	*client_id;	/* "" when the token names none */
	const char	*workspace;	/* "" when the token names none */
	const char	*scopes;	/* granted, space-separated */
	long long	 expires;	/* "exp", seconds since the epoch */
};

/* 0 with *who filled, or -1 when the endpoint runs without auth. */
int	mcp_call_caller(const struct mcp_call *, struct mcp_caller *who);
/* 1 if the caller holds every scope of the space-separated list. */
int	mcp_call_may(const struct mcp_call *, const char *scopes);
/* The names of this endpoint's tools the caller may call (an array). */
struct json_object	*mcp_call_tools(const struct mcp_call *);
/*
 * tools/call usage of the caller's workspace (or, without one, of the
 * caller itself) in [since_ms, until_ms), from the audit trail: an array
 * of {tool, calls, failures, mean_latency_us, max_latency_us}; NULL when
 * the store failed.
 */
struct json_object	*mcp_call_usage(struct mcp_call *, long long since_ms,
			    long long until_ms);

/* --- Data of the reference application (lib/data.c) --- */

/*
 * Workspaces contain environments; environments contain organizations.
 * Every function works in the caller's workspace (the token's workspace
 * claim): an id from another workspace is MCP_DATA_NOTFOUND, exactly like
 * an id that does not exist.
 */
enum mcp_data {
	MCP_DATA_OK = 0,
	MCP_DATA_NOTFOUND,
	MCP_DATA_CONFLICT,	/* the name is taken */
	MCP_DATA_NOTEMPTY,	/* organizations still exist */
	MCP_DATA_RETRY,		/* the store is busy or failed: retry */
	MCP_DATA_NOWORKSPACE,	/* the token names no workspace */
	MCP_DATA_TOOLONG,	/* a name over MCP_NAME_MAX bytes */
	MCP_DATA_QUOTA		/* the workspace holds its most of that kind
				   (workspace_max_* in the configuration) */
};

/*
 * Bytes of a display name.  JSON Schema's maxLength counts characters, so
 * a schema limit of 128 still lets through up to 512 bytes of UTF-8: the
 * byte limit is checked here and in the tools that copy names.
 */
#define MCP_NAME_MAX	128

struct mcp_workspace {
	char		 id[32];	/* "wks_" and 20 hex digits */
	char		 name[MCP_NAME_MAX + 1];
	long long	 created_ms;
	long long	 updated_ms;
};

struct mcp_environment {
	char		 id[32];	/* "env_" and 20 hex digits */
	char		 workspace[32];
	char		 name[MCP_NAME_MAX + 1];
	char		 type[16];	/* development, staging, production */
	long long	 created_ms;
	long long	 updated_ms;
};

/*
 * One page of a workspace's list, oldest first: the items after the
 * keyset cursor (after_ms, after_id) in (created_ms, id) order, at most
 * limit of them.
 */
struct mcp_page {
	long long	 after_ms;
	const char	*after_id;	/* NULL: from the start */
	int		 limit;
};

enum mcp_data	mcp_workspace_get(struct mcp_call *, struct mcp_workspace *);
enum mcp_data	mcp_workspace_rename(struct mcp_call *, const char *name,
		    struct mcp_workspace *);
enum mcp_data	mcp_env_list(struct mcp_call *, const struct mcp_page *,
		    void (*)(void *, const struct mcp_environment *), void *);
enum mcp_data	mcp_env_get(struct mcp_call *, const char *id,
		    struct mcp_environment *);
/*
 * Creates it with a new id, written into *e (name and type set);
 * MCP_DATA_QUOTA when the workspace holds workspace_max_environments.
 */
enum mcp_data	mcp_env_create(struct mcp_call *, struct mcp_environment *);
/* Changes name and/or type (NULL: keep); *e receives the result. */
enum mcp_data	mcp_env_update(struct mcp_call *, const char *id,
		    const char *name, const char *type,
		    struct mcp_environment *);
/* *orgs: how many organizations it held (and, with force, removed). */
enum mcp_data	mcp_env_delete(struct mcp_call *, const char *id, int force,
		    long long *orgs);
#define MCP_META_MAX	4096	/* bytes of metadata or settings JSON */

struct mcp_org {
	char		 id[32];	/* "org_" and 20 hex digits */
	char		 workspace[32];
	char		 environment[32];
	char		 name[MCP_NAME_MAX + 1];
	char		 external_id[MCP_NAME_MAX + 1];	/* "" for none */
	char		 metadata[MCP_META_MAX + 1];	/* a JSON object */
	char		 template_id[32];		/* "" for none */
	long long	 created_ms;
	long long	 updated_ms;
};

struct mcp_template {
	char		 id[32];	/* "tpl_" and 20 hex digits */
	char		 workspace[32];
	char		 name[MCP_NAME_MAX + 1];
	char		 settings[MCP_META_MAX + 1];	/* a JSON object */
	long long	 created_ms;
	long long	 updated_ms;
};

/* Which organizations list_organizations pages through. */
struct mcp_org_query {
	const char	*environment;	/* NULL: all of the workspace */
	const char	*name_prefix;	/* NULL: any */
	long long	 after_ms;	/* keyset cursor: after (ms, id) */
	const char	*after_id;	/* NULL: from the start */
	int		 limit;
};

enum mcp_data	mcp_org_list(struct mcp_call *, const struct mcp_org_query *,
		    void (*)(void *, const struct mcp_org *), void *);
enum mcp_data	mcp_org_get(struct mcp_call *, const char *id,
		    struct mcp_org *);
/*
 * Creates o in o->environment (which must be the caller's:
 * MCP_DATA_NOTFOUND otherwise); CONFLICT for a taken external id, QUOTA
 * when the workspace holds workspace_max_organizations.
 */
enum mcp_data	mcp_org_create(struct mcp_call *, struct mcp_org *);
/*
 * Creates n (at most MCP_ORG_BATCH_MAX) organizations of one environment
 * at once, in one transaction (all or, on the call's own error, none):
 * out[i] is each one's outcome, MCP_DATA_OK, CONFLICT (a taken external
 * id: skipped) or QUOTA (it and the rest not made).
 */
#define MCP_ORG_BATCH_MAX	100
enum mcp_data	mcp_org_create_many(struct mcp_call *, struct mcp_org *,
		    size_t n, enum mcp_data *out);
/* Writes o's name, external id and metadata over the stored one. */
enum mcp_data	mcp_org_update(struct mcp_call *, struct mcp_org *);
enum mcp_data	mcp_org_delete(struct mcp_call *, const char *id);
enum mcp_data	mcp_tpl_list(struct mcp_call *, const struct mcp_page *,
		    void (*)(void *, const struct mcp_template *), void *);
enum mcp_data	mcp_tpl_get(struct mcp_call *, const char *id,
		    struct mcp_template *);
/* QUOTA when the workspace holds workspace_max_templates. */
enum mcp_data	mcp_tpl_create(struct mcp_call *, struct mcp_template *);

/* How many of each kind one workspace may hold (workspace_max_*). */
struct mcp_quota {
	int		 environments;
	int		 templates;
	int		 organizations;
};
void	mcp_data_quota(const struct mcp_call *, struct mcp_quota *);

/* A new prefixed id ("wks", "env", "org", "tpl") from OpenSSL's RNG. */
int	mcp_data_id(const char *prefix, char *out, size_t outsz);
/*
 * Stored metadata or settings text as a JSON object (an empty one when
 * it is not one, or out of memory: NULL).  It was written from a request
 * the server accepted, at whatever json_max_depth was set then, so it is
 * read with that setting's largest value: it comes back whole.
 */
struct json_object	*mcp_data_object(const char *text);

#endif /* MCP_H */
