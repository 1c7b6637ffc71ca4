/*
 * protocol.c: the MCP methods, for every revision we serve.  The transport
 * (transport.c) has already checked the HTTP request, the JSON-RPC
 * envelope, the session or the 2026-07-28 request envelope; here each
 * method checks its own params and builds its result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

/* Newest first; 2026-07-28 is the stateless era, the rest use sessions. */
const char *const mcp_versions[] = {
	MCP_V20260728, MCP_V20251125, MCP_V20250618, MCP_V20250326, NULL
};

#define LATEST_LEGACY	MCP_V20251125

struct rpcerr {
	int		 code;
	char		 msg[512];
	enum mcp_err	 transport;	/* MCP_ERR_METHOD: 404 on 2026 */
	struct json_object *data;	/* error.data, or NULL */
};

static struct json_object *
fail(struct rpcerr *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct json_object *
fail(struct rpcerr *e, int code, const char *fmt, ...)
{
	va_list	 ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	mcp_utf8_cut(e->msg);	/* a long URI or name may have been cut */
	return NULL;
}

int
mcp_proto_supported(const char *v)
{
	size_t	 i;

	for (i = 0; v != NULL && mcp_versions[i] != NULL; i++)
		if (strcmp(v, mcp_versions[i]) == 0)
			return 1;
	return 0;
}

static struct json_object *
server_info(const struct mcp_endpoint *ep)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "name", json_object_new_string(ep->name));
	if (ep->title != NULL)
		mcp_json_set(o, "title", json_object_new_string(ep->title));
	mcp_json_set(o, "version", json_object_new_string(ep->version));
	return o;
}

static int
has_task_tools(const struct mcp_req *r)
{
	size_t	 i;

	for (i = 0; i < r->srv->reg.ntools; i++)
		if (r->srv->reg.tools[i].def->flags & MCP_TOOL_TASKS)
			return 1;
	return 0;
}

static struct json_object *
capabilities(struct mcp_req *r)
{
	const struct mcp_endpoint	*ep = r->srv->reg.ep;
	struct json_object		*c, *o;

	c = json_object_new_object();
	mcp_json_set(c, "logging", json_object_new_object());
	mcp_json_set(c, "completions", json_object_new_object());
	if (ep->nprompts > 0) {
		o = json_object_new_object();
		mcp_json_set(o, "listChanged", json_object_new_boolean(0));
		mcp_json_set(c, "prompts", o);
	}
	if (ep->nresources > 0 || ep->ntemplates > 0) {
		o = json_object_new_object();
		if (!r->modern)
			mcp_json_set(o, "subscribe",
			    json_object_new_boolean(1));
		mcp_json_set(o, "listChanged", json_object_new_boolean(0));
		mcp_json_set(c, "resources", o);
	}
	if (ep->ntools > 0) {
		o = json_object_new_object();
		mcp_json_set(o, "listChanged", json_object_new_boolean(0));
		mcp_json_set(c, "tools", o);
	}
	/* The tasks extension, where a tool may run as one (2026-07-28). */
	if (r->modern && has_task_tools(r)) {
		o = json_object_new_object();
		mcp_json_set(o, "io.modelcontextprotocol/tasks",
		    json_object_new_object());
		mcp_json_set(c, "extensions", o);
	}
	return c;
}

/* --- Lifecycle --- */

static struct json_object *
m_initialize(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	const struct mcp_endpoint	*ep = r->srv->reg.ep;
	struct mcp_session		 s;
	struct json_object		*res, *caps;
	const char			*want, *ver, *ctext;
	enum mcp_err			 err;
	int				 evicted;

	if ((want = mcp_json_str(p, "protocolVersion")) == NULL)
		return fail(e, -32602, "initialize: protocolVersion (string) "
		    "is required");
	caps = mcp_json_obj(p, "capabilities");
	if (mcp_json_has(p, "capabilities") && caps == NULL)
		return fail(e, -32602, "initialize: capabilities must be an "
		    "object");
	/* Kept with the session for its lifetime: bounded (store.h). */
	ctext = caps != NULL ? mcp_json_text(caps) : "{}";
	if (strlen(ctext) > MCP_CAPS_MAX)
		return fail(e, -32602, "initialize: capabilities exceed %d "
		    "bytes", MCP_CAPS_MAX);
	/* Echo a version we speak in this era, else offer our latest. */
	ver = (mcp_proto_supported(want) &&
	    strcmp(want, MCP_V20260728) != 0) ? want : LATEST_LEGACY;
	/* The 2024-11-05 transport made the session with its stream. */
	if (r->has_sess && r->sess.legacy) {
		if ((err = r->store->ops->session_init(r->store, r->sess.id,
		    ver, ctext)) != MCP_OK) {
			e->transport = err;
			return fail(e, -32603, "%s",
			    mcp_err_info(err)->message);
		}
		mcp_strlcpy(r->sess.version, ver, sizeof(r->sess.version));
		mcp_logx(MCP_LEVEL_INFO, r->rid, "session initialized "
		    "version=%s (HTTP+SSE)", ver);
		goto answer;
	}
	memset(&s, 0, sizeof(s));
	if (mcp_rand_hex(s.id, MCP_SESSION_ID_LEN / 2) == -1)
		return fail(e, -32603, "Internal error");
	snprintf(s.version, sizeof(s.version), "%s", ver);
	s.log_level = -1;
	/* Bound to the token's subject (lib/guard.c). */
	mcp_guard_owner(r, s.owner, sizeof(s.owner));
	mcp_strlcpy(s.caps, ctext, sizeof(s.caps));
	s.created = s.seen = (int64_t)time(NULL);
	r->store->ops->session_expire(r->store,
	    s.created - r->srv->cfg.session_idle);
	if ((err = r->store->ops->session_put(r->store, &s,
	    r->srv->cfg.max_sessions, &evicted)) != MCP_OK) {
		e->transport = err;
		return fail(e, -32603, "%s", mcp_err_info(err)->message);
	}
	if (evicted > 0)
		mcp_logx(MCP_LEVEL_NOTICE, r->rid, "%d least recently used "
		    "session(s) of this subject evicted "
		    "(max_sessions_per_subject)", evicted);
	mcp_buf_printf(&r->hdr, "Mcp-Session-Id: %s\r\n", s.id);
	mcp_logx(MCP_LEVEL_INFO, r->rid, "session created version=%s", ver);
answer:
	res = json_object_new_object();
	mcp_json_set(res, "protocolVersion", json_object_new_string(ver));
	mcp_json_set(res, "capabilities", capabilities(r));
	mcp_json_set(res, "serverInfo", server_info(ep));
	if (ep->instructions != NULL)
		mcp_json_set(res, "instructions",
		    json_object_new_string(ep->instructions));
	return res;
}

static struct json_object *
m_discover(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	const struct mcp_endpoint	*ep = r->srv->reg.ep;
	struct json_object		*res, *v, *meta;
	size_t				 i;

	(void)p;
	(void)e;
	res = json_object_new_object();
	v = json_object_new_array();
	for (i = 0; mcp_versions[i] != NULL; i++)
		mcp_json_append(v, json_object_new_string(mcp_versions[i]));
	mcp_json_set(res, "supportedVersions", v);
	mcp_json_set(res, "capabilities", capabilities(r));
	if (ep->instructions != NULL)
		mcp_json_set(res, "instructions",
		    json_object_new_string(ep->instructions));
	meta = json_object_new_object();
	mcp_json_set(meta, "io.modelcontextprotocol/serverInfo",
	    server_info(ep));
	mcp_json_set(res, "_meta", meta);
	return res;
}

/* tasks/get, tasks/update, tasks/cancel (lib/task.c). */
static struct json_object *
m_tasks(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	struct json_object	*res;
	int			 code;

	res = mcp_task_method(r, r->rpc, p, &code, e->msg, sizeof(e->msg),
	    &e->data);
	if (res != NULL)
		return res;
	e->code = code;
	if (code == -32021)
		e->transport = MCP_ERR_CAPABILITY;
	return NULL;
}

static struct json_object *
m_ping(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	(void)r;
	(void)p;
	(void)e;
	return json_object_new_object();
}

static struct json_object *
m_set_level(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	enum mcp_err	 err;
	int		 l;

	if ((l = mcp_level_parse(mcp_json_str(p, "level"))) == -1)
		return fail(e, -32602, "logging/setLevel: level must be one "
		    "of debug, info, notice, warning, error, critical, "
		    "alert, emergency");
	if ((err = r->store->ops->session_level(r->store, r->sess.id, l)) !=
	    MCP_OK) {
		e->transport = err;
		return fail(e, -32603, "%s", mcp_err_info(err)->message);
	}
	r->log_level = l;
	return json_object_new_object();
}

/* --- Lists, with opaque cursors --- */

/*
 * The page [*start, *end) of a list of n items that params.cursor asks
 * for; -1 (and -32602) for a cursor we never issued.
 */
static int
page(struct mcp_req *r, struct json_object *p, size_t n, size_t *start,
    size_t *end, struct rpcerr *e)
{
	const char	*c;

	*start = 0;
	if (mcp_json_has(p, "cursor") &&
	    ((c = mcp_json_str(p, "cursor")) == NULL ||
	    mcp_cursor_parse(c, start) == -1 || *start > n)) {
		fail(e, -32602, "Invalid cursor");
		return -1;
	}
	*end = *start + (size_t)r->srv->cfg.page_size;
	if (*end > n)
		*end = n;
	return 0;
}

/* Sets nextCursor when more remain. */
static void
page_end(struct json_object *res, size_t next,
    size_t total)
{
	char	 c[64];

	if (next < total) {
		mcp_cursor_make(next, c, sizeof(c));
		mcp_json_set(res, "nextCursor", json_object_new_string(c));
	}
}

static struct json_object *
m_tools_list(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	const struct mcp_registry	*reg = &r->srv->reg;
	struct json_object		*res = NULL, *arr, *t;
	size_t				 i, start, end, vis[256], *idx = NULL;
	size_t				 nvis = reg->ntools;
	enum mcp_err			 err;

	/* hide_unauthorized_tools: list only what the token may call. */
	if (r->srv->cfg.auth.hide_tools && r->authed) {
		idx = vis;
		if (reg->ntools > sizeof(vis) / sizeof(vis[0]) &&
		    (idx = calloc(reg->ntools, sizeof(*idx))) == NULL)
			return fail(e, -32603, "Internal error");
		for (nvis = 0, i = 0; i < reg->ntools; i++)
			if (mcp_guard_may(r, reg->tools[i].def->scopes))
				idx[nvis++] = i;
	}
	if (page(r, p, nvis, &start, &end, e) == -1)
		goto out;
	arr = json_object_new_array();
	for (i = start; i < end; i++) {
		t = mcp_json_parse(reg->tools[idx ? idx[i] : i].listing,
		    strlen(reg->tools[idx ? idx[i] : i].listing), 128, &err);
		mcp_json_append(arr, t);
	}
	res = json_object_new_object();
	mcp_json_set(res, "tools", arr);
	page_end(res, end, nvis);
out:
	if (idx != vis && idx != NULL)
		free(idx);
	return res;
}

/*
 * MissingRequiredClientCapabilityError: error.data.requiredCapabilities
 * is a ClientCapabilities object naming what was missing.
 */
static struct json_object *
missing_cap(struct mcp_req *r, struct rpcerr *e, const char *cap)
{
	struct json_object	*need, *ext;

	mcp_logx(MCP_LEVEL_INFO, r->rid, "refused: the client did not "
	    "declare the %s capability", cap);
	r->outcome = "missing_capability";
	if ((e->data = json_object_new_object()) != NULL &&
	    (need = json_object_new_object()) != NULL) {
		/* "extensions": the tasks extension (lib/task.c). */
		if (strcmp(cap, "extensions") == 0) {
			ext = json_object_new_object();
			json_object_object_add(ext,
			    "io.modelcontextprotocol/tasks",
			    json_object_new_object());
			json_object_object_add(need, cap, ext);
		} else
			json_object_object_add(need, cap,
			    json_object_new_object());
		mcp_json_set(e->data, "requiredCapabilities", need);
	}
	if (r->modern)
		e->transport = MCP_ERR_CAPABILITY;
	return fail(e, -32021, "Missing required client capability: %s%s",
	    cap, strcmp(cap, "extensions") == 0 ?
	    ".io.modelcontextprotocol/tasks" : "");
}

/* A round's inputResponses and requestState (lib/input.c): -32602. */
static int
round_check(struct mcp_req *r, struct mcp_call *c, const char *method,
    const char *name, struct json_object *args, struct json_object *p,
    struct rpcerr *e)
{
	char	 why[160];

	if (mcp_input_open(c, method, name, args, p, why, sizeof(why)) ==
	    0)
		return 0;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "%s %s: %s", method, name, why);
	r->outcome = "invalid_input_round";
	fail(e, -32602, "Invalid params: %s", why);
	return -1;
}

/* The same for tools/call, whose params are the message's nodes. */
static int
round_open(struct mcp_req *r, const struct mcp_msg *msg, struct mcp_call *c,
    const char *name, struct json_object *args, struct rpcerr *e)
{
	struct json_object	*p;
	struct mcp_jv		*v;
	int			 rc;

	if ((p = json_object_new_object()) == NULL) {
		fail(e, -32603, "Internal error");
		return -1;
	}
	/* mcp_msg_json()'s values are the document's: p takes references. */
	if ((v = mcp_jv_get(msg->params, "inputResponses")) != NULL)
		json_object_object_add(p, "inputResponses",
		    json_object_get(mcp_msg_json(msg, v, NULL)));
	if ((v = mcp_jv_get(msg->params, "requestState")) != NULL)
		json_object_object_add(p, "requestState",
		    json_object_get(mcp_msg_json(msg, v, NULL)));
	rc = round_check(r, c, "tools/call", name, args, p, e);
	json_object_put(p);
	return rc;
}

/* A result that is no tool error matches the tool's outputSchema. */
static int
output_ok(struct mcp_req *r, const struct mcp_tool_rt *t,
    struct json_object *res)
{
	struct json_object	*x, *sc;
	char			 why[512];

	mcp_json_get(res, "isError", &x);
	if (t->output == NULL || json_object_get_boolean(x))
		return 1;
	mcp_json_get(res, "structuredContent", &sc);
	if (sc != NULL && mcp_schema_validate(t->output, sc, why,
	    sizeof(why)) == 0)
		return 1;
	mcp_logx(MCP_LEVEL_ERROR, r->rid, "tool %s: result does not match "
	    "its outputSchema: %s", t->def->name, sc == NULL ?
	    "no structuredContent" : why);
	return 0;
}

/*
 * Reads its params from the message's nodes: only the arguments, which
 * the schema and the tool see, become json-c.
 */
static struct json_object *
m_tools_call(struct mcp_req *r, const struct mcp_msg *msg,
    struct rpcerr *e)
{
	const struct mcp_tool_rt	*t;
	struct mcp_call			 c;
	struct json_object		*args = NULL, *res, *empty = NULL;
	struct json_object		*x;
	struct mcp_jv			*a, *pt;
	const char			*name;
	char				 why[512];

	if ((name = mcp_jv_str(msg->params, "name")) == NULL)
		return fail(e, -32602, "tools/call: name (string) is "
		    "required");
	if ((t = mcp_registry_tool(&r->srv->reg, name)) == NULL)
		return fail(e, -32602, "Unknown tool: %s", name);
	if ((a = mcp_jv_get(msg->params, "arguments")) == NULL)
		args = empty = json_object_new_object();
	else if (a->type != MCP_JOBJECT)
		return fail(e, -32602, "tools/call: arguments must be an "
		    "object");
	else
		args = mcp_msg_json(msg, a, NULL);
	if (args == NULL)		/* out of memory: an object copies */
		return fail(e, -32603, "Internal error");
	/*
	 * MCP "Error Handling": invalid arguments are a tool execution
	 * error, reported as a result so that the model can correct itself.
	 */
	if (mcp_schema_validate(t->input, args, why, sizeof(why)) == -1) {
		json_object_put(empty);
		mcp_logx(MCP_LEVEL_INFO, r->rid, "tool %s: invalid arguments: "
		    "%s", name, why);
		r->outcome = "invalid_arguments";
		return mcp_result_errorf("Invalid arguments for tool %s: %s",
		    name, why);
	}
	memset(&c, 0, sizeof(c));
	c.req = r;
	c.id = msg->id;
	if (r->modern && round_open(r, msg, &c, name, args, e) == -1) {
		json_object_put(empty);
		return NULL;
	}
	if (mcp_jv_isid(pt = mcp_jv_get(msg->meta, "progressToken")))
		c.progress = mcp_msg_json(msg, pt, NULL);
	res = t->def->run(&c, args);
	json_object_put(empty);
	mcp_input_close(&c);
	if (c.task) {
		/* Its answer went out when it became a task: store the rest. */
		if (res != NULL && !c.cancelled && !output_ok(r, t, res)) {
			json_object_put(res);
			res = NULL;
		}
		mcp_task_finish(&c, c.cancelled ? NULL : res, c.cancelled ?
		    "Cancelled" : NULL);
		json_object_put(res);
		e->code = 0;
		return NULL;
	}
	/*
	 * Only a cancellation the tool saw counts: one that arrives after
	 * the work is done may be ignored (MCP "Cancellation"), which spares
	 * every quick call a store query.
	 */
	if (c.cancelled || (r->gone && !r->keep)) {
		/* MCP "Cancellation": send nothing for a cancelled request. */
		json_object_put(res);
		e->code = 0;
		return NULL;
	}
	if (res == NULL && c.missing != NULL)
		return missing_cap(r, e, c.missing);
	if (res == NULL && !c.task && c.task_refused != NULL &&
	    !c.task_busy && r->io->end == NULL) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "tool %s: no task: %s", name,
		    c.task_refused);
		r->outcome = "no_tasks";
		return fail(e, -32603, "This tool runs only as a task, and a "
		    "plain CGI deployment runs none");
	}
	if (res == NULL && c.task_busy) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "tool %s: no task: %s", name,
		    c.task_refused);
		r->outcome = "tasks_busy";
		e->transport = MCP_ERR_BUSY;
		return fail(e, -32043, "Too many tasks running: retry later");
	}
	if (res == NULL) {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "tool %s failed", name);
		r->outcome = "tool_failed";
		return fail(e, -32603, "Internal error");
	}
	if (c.input_required) {
		r->outcome = "input_required";
		return res;
	}
	mcp_json_get(res, "isError", &x);
	if (json_object_get_boolean(x))
		r->outcome = "tool_error";
	if (!output_ok(r, t, res)) {
		json_object_put(res);
		return fail(e, -32603, "Internal error");
	}
	return res;
}

/*
 * One entry of resources/list or resources/templates/list; NULL when
 * hide_unauthorized_tools hides what the token may not read.
 */
static struct json_object *
resource_entry(struct mcp_req *r, const char *key, const char *uri,
    const char *name, const char *title, const char *desc, const char *mime,
    const char *scopes)
{
	struct json_object	*o, *meta;

	if (r->srv->cfg.auth.hide_tools && r->authed &&
	    !mcp_guard_may(r, scopes != NULL ? scopes : ""))
		return NULL;
	o = json_object_new_object();
	mcp_json_set_key(o, key, json_object_new_string(uri));
	mcp_json_set(o, "name", json_object_new_string(name));
	if (title != NULL)
		mcp_json_set(o, "title", json_object_new_string(title));
	if (desc != NULL)
		mcp_json_set(o, "description", json_object_new_string(desc));
	if (mime != NULL)
		mcp_json_set(o, "mimeType", json_object_new_string(mime));
	if (scopes != NULL && *scopes != '\0') {
		meta = json_object_new_object();
		mcp_json_set(meta, "mcp-fcgi/scopes", mcp_scope_array(scopes));
		mcp_json_set(o, "_meta", meta);
	}
	return o;
}

/*
 * Pages over entries built by `entry`; hidden entries do not count, so
 * a page is never short while more remain.
 */
static struct json_object *
resource_page(struct mcp_req *r, struct json_object *p, struct rpcerr *e,
    const char *key, size_t n,
    struct json_object *(*entry)(struct mcp_req *, size_t))
{
	struct json_object	*res, *all, *arr, *o;
	size_t			 i, start, end;

	all = json_object_new_array();
	for (i = 0; i < n; i++)
		if ((o = entry(r, i)) != NULL)
			mcp_json_append(all, o);
	n = json_object_array_length(all);
	if (page(r, p, n, &start, &end, e) == -1) {
		json_object_put(all);
		return NULL;
	}
	arr = json_object_new_array();
	for (i = start; i < end; i++)
		mcp_json_append(arr,
		    json_object_get(json_object_array_get_idx(all, i)));
	json_object_put(all);
	res = json_object_new_object();
	mcp_json_set_key(res, key, arr);
	page_end(res, end, n);
	return res;
}

static struct json_object *
res_entry(struct mcp_req *r, size_t i)
{
	const struct mcp_resource	*x = &r->srv->reg.ep->resources[i];

	return resource_entry(r, "uri", x->uri, x->name, x->title,
	    x->description, x->mime_type, x->scopes);
}

static struct json_object *
tmpl_entry(struct mcp_req *r, size_t i)
{
	const struct mcp_resource_template *x = &r->srv->reg.ep->templates[i];

	return resource_entry(r, "uriTemplate", x->uri_template, x->name,
	    x->title, x->description, x->mime_type, x->scopes);
}

static struct json_object *
m_resources_list(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	return resource_page(r, p, e, "resources", r->srv->reg.ep->nresources,
	    res_entry);
}

static struct json_object *
m_templates_list(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	return resource_page(r, p, e, "resourceTemplates",
	    r->srv->reg.ep->ntemplates, tmpl_entry);
}

/*
 * Runs the reader serving uri for this caller: its "contents", or NULL
 * with *e set: -32002 when nothing serves uri or the reader says it is
 * not there, the retryable store error when the store failed.
 */
/*
 * p: resources/read's params, whose round (2026-07-28) this is; NULL for
 * the reads that only check a resource exists, which cannot ask for
 * input.  *ir is set when the answer is an InputRequiredResult.
 */
static struct json_object *
read_resource(struct mcp_req *r, const char *uri, struct json_object *p,
    int *ir, struct rpcerr *e)
{
	struct mcp_resource_ref	 ref;
	struct mcp_call		 c;
	struct json_object	*vars, *contents = NULL;

	memset(&c, 0, sizeof(c));
	c.req = r;
	c.id = r->rpc_id;
	*ir = 0;
	vars = json_object_new_object();
	if (r->modern && p != NULL && round_check(r, &c, "resources/read",
	    uri, vars, p, e) == -1) {
		json_object_put(vars);
		return NULL;
	}
	if (mcp_registry_resource(&r->srv->reg, uri, vars, &ref) == 0)
		contents = ref.res != NULL ? ref.res->read(&c, uri) :
		    ref.tmpl->read(&c, uri, vars);
	json_object_put(vars);
	mcp_input_close(&c);
	if (c.input_required) {
		if (p != NULL) {
			*ir = 1;
			return contents;
		}
		json_object_put(contents);
		contents = NULL;
	}
	if (contents == NULL && c.store_failed) {
		e->transport = MCP_ERR_STORE;
		return fail(e, -32603, "%s",
		    mcp_err_info(MCP_ERR_STORE)->message);
	}
	/*
	 * MCP "Resources", error handling: -32002 for an unknown URI, the
	 * same for one that exists only in another tenant's data.
	 */
	if (contents == NULL)
		return fail(e, -32002, "Resource not found: %s", uri);
	return contents;
}

static struct json_object *
m_resources_read(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	struct json_object	*contents, *res;
	const char		*uri;
	int			 ir;

	if ((uri = mcp_json_str(p, "uri")) == NULL)
		return fail(e, -32602, "resources/read: uri (string) is "
		    "required");
	if ((contents = read_resource(r, uri, p, &ir, e)) == NULL)
		return NULL;
	if (ir)
		return contents;
	res = json_object_new_object();
	mcp_json_set(res, "contents", contents);
	return res;
}

static struct json_object *
subscribe(struct mcp_req *r, struct json_object *p, struct rpcerr *e, int on)
{
	struct json_object	*contents;
	const char		*uri;
	enum mcp_err		 err;
	int			 ir;

	if ((uri = mcp_json_str(p, "uri")) == NULL)
		return fail(e, -32602, "uri (string) is required");
	/* Only to what this caller could read: no oracle, no leak. */
	if (on) {
		if ((contents = read_resource(r, uri, NULL, &ir, e)) == NULL)
			return NULL;
		json_object_put(contents);
	}
	err = r->store->ops->subscribe(r->store, r->sess.id, uri,
	    r->who.workspace, on);
	if (err == MCP_ERR_PARAMS)
		return fail(e, -32602, "A session may hold at most %d "
		    "subscriptions; unsubscribe from some first.",
		    MCP_SUBS_MAX);
	if (err != MCP_OK) {
		e->transport = err;
		return fail(e, -32603, "%s", mcp_err_info(err)->message);
	}
	return json_object_new_object();
}

/* The store failed a listen's subscription: its reason, nothing kept. */
static struct json_object *
listen_store_failed(enum mcp_err err, char *why, size_t whysz,
    struct json_object *uris, struct json_object *ack)
{
	snprintf(why, whysz, "store: %s", mcp_err_info(err)->message);
	json_object_put(uris);
	json_object_put(ack);
	return NULL;
}

struct json_object *
mcp_proto_listen(struct mcp_req *r, const struct mcp_jv *params,
    const char *sid, char *why, size_t whysz)
{
	static const char *const lists[] = { "toolsListChanged",
				    "promptsListChanged",
				    "resourcesListChanged" };
	struct mcp_resource_ref	 ref;
	struct json_object	*ack, *uris, *contents;
	struct mcp_jv		*f, *v, *u;
	struct rpcerr		 e;
	enum mcp_err		 err;
	size_t			 i, n = 0;
	int			 ir;

	if ((f = mcp_jv_obj(params, "notifications")) == NULL) {
		snprintf(why, whysz, "subscriptions/listen: notifications "
		    "(object) is required");
		return NULL;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if ((v = mcp_jv_get(f, lists[i])) != NULL &&
		    v->type != MCP_JTRUE && v->type != MCP_JFALSE) {
			snprintf(why, whysz, "subscriptions/listen: "
			    "notifications.%s must be a boolean", lists[i]);
			return NULL;
		}
	if ((v = mcp_jv_get(f, "resourceSubscriptions")) != NULL) {
		if (v->type != MCP_JARRAY) {
			snprintf(why, whysz, "subscriptions/listen: "
			    "resourceSubscriptions must be an array");
			return NULL;
		}
		for (u = v->first; u != NULL; u = u->next)
			if (u->type != MCP_JSTRING || ++n > MCP_SUBS_MAX) {
				snprintf(why, whysz, "subscriptions/listen: "
				    "resourceSubscriptions holds at most %d "
				    "URI strings", MCP_SUBS_MAX);
				return NULL;
			}
	}
	/*
	 * Our lists never change (listChanged is false): only
	 * resources/updated is honoured, for each URI the caller could
	 * read (its scopes, its workspace), as resources/subscribe did.
	 */
	ack = json_object_new_object();
	uris = json_object_new_array();
	for (u = v != NULL ? v->first : NULL; u != NULL; u = u->next) {
		if (memchr(u->s, '\0', u->len) != NULL ||
		    mcp_registry_resource(&r->srv->reg, u->s, NULL,
		    &ref) == -1 || !mcp_guard_may(r, ref.scopes))
			continue;
		memset(&e, 0, sizeof(e));
		if ((contents = read_resource(r, u->s, NULL, &ir, &e)) ==
		    NULL)
			continue;
		json_object_put(contents);
		if ((err = r->store->ops->subscribe(r->store, sid, u->s,
		    r->who.workspace, 1)) != MCP_OK)
			return listen_store_failed(err, why, whysz, uris, ack);
		mcp_json_append(uris, json_object_new_string(u->s));
	}
	if (v != NULL)
		mcp_json_set(ack, "resourceSubscriptions", uris);
	else
		json_object_put(uris);
	/* The caller's own tasks among taskIds (lib/task.c). */
	if ((v = mcp_jv_get(f, "taskIds")) != NULL) {
		if (!mcp_task_declared(r)) {
			snprintf(why, whysz, "extension: taskIds");
			json_object_put(ack);
			return NULL;
		}
		n = 0;
		if (v->type != MCP_JARRAY)
			n = MCP_SUBS_MAX + 1;
		for (u = v->first; u != NULL && n <= MCP_SUBS_MAX;
		    u = u->next)
			if (u->type != MCP_JSTRING)
				n = MCP_SUBS_MAX + 1;
			else
				n++;
		if (n > MCP_SUBS_MAX) {
			snprintf(why, whysz, "subscriptions/listen: taskIds "
			    "holds at most %d task id strings", MCP_SUBS_MAX);
			json_object_put(ack);
			return NULL;
		}
		uris = json_object_new_array();
		for (u = v->first; u != NULL; u = u->next) {
			if ((err = mcp_task_subscribe(r, sid, u->s)) ==
			    MCP_ERR_NOTFOUND)
				continue;	/* not the caller's: not heard */
			if (err != MCP_OK)
				return listen_store_failed(err, why, whysz,
				    uris, ack);
			mcp_json_append(uris, json_object_new_string(u->s));
		}
		mcp_json_set(ack, "taskIds", uris);
	}
	return ack;
}

static struct json_object *
m_subscribe(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	return subscribe(r, p, e, 1);
}

static struct json_object *
m_unsubscribe(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	return subscribe(r, p, e, 0);
}

/* --- Prompts and completion --- */

static struct json_object *
m_prompts_list(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	const struct mcp_endpoint	*ep = r->srv->reg.ep;
	const struct mcp_prompt		*x;
	const struct mcp_prompt_arg	*a;
	struct json_object		*res, *arr, *o, *args, *ao;
	size_t				 i, start, end;

	if (page(r, p, ep->nprompts, &start, &end, e) == -1)
		return NULL;
	arr = json_object_new_array();
	for (i = start; i < end; i++) {
		x = &ep->prompts[i];
		o = json_object_new_object();
		mcp_json_set(o, "name", json_object_new_string(x->name));
		if (x->title != NULL)
			mcp_json_set(o, "title",
			    json_object_new_string(x->title));
		if (x->description != NULL)
			mcp_json_set(o, "description",
			    json_object_new_string(x->description));
		if (x->args != NULL && x->args[0].name != NULL) {
			args = json_object_new_array();
			for (a = x->args; a->name != NULL; a++) {
				ao = json_object_new_object();
				mcp_json_set(ao, "name",
				    json_object_new_string(a->name));
				if (a->description != NULL)
					mcp_json_set(ao, "description",
					    json_object_new_string(
					    a->description));
				mcp_json_set(ao, "required",
				    json_object_new_boolean(a->required));
				mcp_json_append(args, ao);
			}
			mcp_json_set(o, "arguments", args);
		}
		mcp_json_append(arr, o);
	}
	res = json_object_new_object();
	mcp_json_set(res, "prompts", arr);
	page_end(res, end, ep->nprompts);
	return res;
}

static struct json_object *
m_prompts_get(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	const struct mcp_prompt		*x;
	const struct mcp_prompt_arg	*a;
	struct json_object		*args = NULL, *msgs, *res, *v, *empty = NULL;
	struct mcp_call			 c;
	const char			*name;

	if ((name = mcp_json_str(p, "name")) == NULL)
		return fail(e, -32602, "prompts/get: name (string) is "
		    "required");
	if ((x = mcp_registry_prompt(&r->srv->reg, name)) == NULL)
		return fail(e, -32602, "Unknown prompt: %s", name);
	if (mcp_json_has(p, "arguments") &&
	    (args = mcp_json_obj(p, "arguments")) == NULL)
		return fail(e, -32602, "prompts/get: arguments must be an "
		    "object of strings");
	if (!mcp_json_has(p, "arguments"))
		args = empty = json_object_new_object();
	json_object_object_foreach(args, k, val) {
		for (a = x->args; a != NULL && a->name != NULL; a++)
			if (strcmp(a->name, k) == 0)
				break;
		if (a == NULL || a->name == NULL) {
			json_object_put(empty);
			return fail(e, -32602, "Unknown argument for prompt "
			    "%s: %s", name, k);
		}
		if (!json_object_is_type(val, json_type_string)) {
			json_object_put(empty);
			return fail(e, -32602, "Argument %s of prompt %s must "
			    "be a string", k, name);
		}
	}
	for (a = x->args; a != NULL && a->name != NULL; a++)
		if (a->required && !mcp_json_get(args, a->name,
		    &v)) {
			json_object_put(empty);
			return fail(e, -32602, "Missing required argument for "
			    "prompt %s: %s", name, a->name);
		}
	memset(&c, 0, sizeof(c));
	c.req = r;
	c.id = r->rpc_id;
	if (r->modern && round_check(r, &c, "prompts/get", name, args, p,
	    e) == -1) {
		json_object_put(empty);
		return NULL;
	}
	msgs = x->get(&c, args);
	json_object_put(empty);
	mcp_input_close(&c);
	if (msgs == NULL && c.missing != NULL)
		return missing_cap(r, e, c.missing);
	if (msgs == NULL)
		return fail(e, -32603, "Internal error");
	if (c.input_required)
		return msgs;
	res = json_object_new_object();
	if (x->description != NULL)
		mcp_json_set(res, "description",
		    json_object_new_string(x->description));
	mcp_json_set(res, "messages", msgs);
	return res;
}

static struct json_object *
m_complete(struct mcp_req *r, struct json_object *p, struct rpcerr *e)
{
	struct json_object		*ref, *arg, *vals = NULL, *res, *c;
	const struct mcp_prompt		*x;
	const char			*type, *an, *av;

	ref = mcp_json_obj(p, "ref");
	arg = mcp_json_obj(p, "argument");
	if (ref == NULL || arg == NULL ||
	    (type = mcp_json_str(ref, "type")) == NULL ||
	    (an = mcp_json_str(arg, "name")) == NULL ||
	    (av = mcp_json_str(arg, "value")) == NULL)
		return fail(e, -32602, "completion/complete: ref {type} and "
		    "argument {name, value} are required");
	if (strcmp(type, "ref/prompt") == 0) {
		if (mcp_json_str(ref, "name") == NULL || (x =
		    mcp_registry_prompt(&r->srv->reg,
		    mcp_json_str(ref, "name"))) == NULL)
			return fail(e, -32602, "Unknown prompt");
		if (x->complete != NULL)
			vals = x->complete(an, av);
	} else if (strcmp(type, "ref/resource") == 0) {
		if (mcp_json_str(ref, "uri") == NULL)
			return fail(e, -32602, "ref/resource needs a uri");
	} else
		return fail(e, -32602, "Unknown reference type: %s", type);
	if (vals == NULL)
		vals = json_object_new_array();
	c = json_object_new_object();
	mcp_json_set(c, "total",
	    json_object_new_int((int)json_object_array_length(vals)));
	mcp_json_set(c, "values", vals);
	mcp_json_set(c, "hasMore", json_object_new_boolean(0));
	res = json_object_new_object();
	mcp_json_set(res, "completion", c);
	return res;
}

/* --- Dispatch --- */

#define ERA_LEGACY	0x01
#define ERA_MODERN	0x02
#define ERA_ALL		(ERA_LEGACY | ERA_MODERN)

struct method {
	const char	*name;
	int		 eras;
	int		 cacheable;	/* 2026-07-28 "CacheableResult" */
	struct json_object *(*fn)(struct mcp_req *, struct json_object *,
	    struct rpcerr *);
};

static const struct method methods[] = {
	{ "initialize", ERA_LEGACY, 0, m_initialize },
	{ "server/discover", ERA_MODERN, 1, m_discover },
	{ "tasks/get", ERA_MODERN, 0, m_tasks },
	{ "tasks/update", ERA_MODERN, 0, m_tasks },
	{ "tasks/cancel", ERA_MODERN, 0, m_tasks },
	/* 2026-07-28 has no ping: unknown there (404 / -32601). */
	{ "ping", ERA_LEGACY, 0, m_ping },
	{ "logging/setLevel", ERA_LEGACY, 0, m_set_level },
	{ "tools/list", ERA_ALL, 1, m_tools_list },
	{ "tools/call", ERA_ALL, 0, NULL },		/* needs the message */
	{ "resources/list", ERA_ALL, 1, m_resources_list },
	{ "resources/templates/list", ERA_ALL, 1, m_templates_list },
	{ "resources/read", ERA_ALL, 1, m_resources_read },
	{ "resources/subscribe", ERA_LEGACY, 0, m_subscribe },
	{ "resources/unsubscribe", ERA_LEGACY, 0, m_unsubscribe },
	{ "prompts/list", ERA_ALL, 1, m_prompts_list },
	{ "prompts/get", ERA_ALL, 0, m_prompts_get },
	{ "completion/complete", ERA_ALL, 0, m_complete },
};

int
mcp_proto_wants_sse(struct mcp_req *r, const struct mcp_msg *msg)
{
	const struct mcp_tool_rt	*t;
	const char			*m = msg->method, *name;

	/* Notices wait for this session: a stream carries them out. */
	if (r->has_sess && r->sess.notices)
		return 1;
	/*
	 * Among equals, the client's first choice (RFC 9110 §12.5.1 leaves
	 * the tie to us): a session's client that lists text/event-stream
	 * before application/json gets streams it can resume.
	 */
	if (r->has_sess && mcp_http_first(mcp_http_param(r, "HTTP_ACCEPT"),
	    "text/event-stream"))
		return 1;
	if (m == NULL || strcmp(m, "tools/call") != 0)
		return 0;
	/*
	 * A change this call makes may be one a subscription asked about,
	 * unless the session's listener carries those.
	 */
	if (r->has_sess && r->sess.subscribed && r->sess.listener_seen <
	    (int64_t)time(NULL) - MCP_LISTENER_GRACE)
		return 1;
	if (mcp_jv_get(msg->meta, "progressToken") != NULL)
		return 1;
	if (r->log_level >= 0)
		return 1;
	t = (name = mcp_jv_str(msg->params, "name")) != NULL ?
	    mcp_registry_tool(&r->srv->reg, name) : NULL;
	/*
	 * The flag is for requests sent on the stream, which 2026-07-28
	 * replaces with input-required results: a plain answer there, so
	 * that a refusal keeps its HTTP status.
	 */
	return t != NULL && (t->def->flags & MCP_TOOL_STREAMS) && !r->modern;
}

void
mcp_proto_request(struct mcp_req *r, const struct mcp_msg *msg,
    struct mcp_reply *out, enum mcp_err *err)
{
	struct json_object	*p, *id = msg->id, *res = NULL, *empty = NULL;
	const char		*name = msg->method;
	struct rpcerr		 e;
	size_t			 i;
	int			 nomem = 0;

	*err = MCP_OK;
	memset(out, 0, sizeof(*out));
	out->id = id;
	memset(&e, 0, sizeof(e));
	e.code = -32603;
	r->rpc_id = id;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].name[0] == name[0] &&
		    strcmp(methods[i].name, name) == 0)
			break;
	if (i == sizeof(methods) / sizeof(methods[0]) ||
	    !(methods[i].eras & (r->modern ? ERA_MODERN : ERA_LEGACY))) {
		*err = MCP_ERR_METHOD;
		out->error = mcp_rpc_error_object(-32601, "Method not found",
		    NULL);
		return;
	}
	if (methods[i].fn == NULL) {
		res = m_tools_call(r, msg, &e);
		out->tool = 1;
	} else {
		/* The other methods read params as json-c, for now. */
		if ((p = mcp_msg_json(msg, msg->params, &nomem)) == NULL &&
		    !nomem)
			p = empty = json_object_new_object();
		res = p != NULL ? methods[i].fn(r, p, &e) :
		    fail(&e, -32603, "Internal error");
		json_object_put(empty);
	}
	if (res == NULL && e.code == 0)
		return;			/* cancelled: answer nothing */
	if (res == NULL) {
		*err = e.transport;
		out->error = mcp_rpc_error_object(e.code, e.msg, e.data);
		return;
	}
	json_object_put(e.data);
	if (r->modern && !mcp_json_has(res, "resultType")) {
		mcp_json_set(res, "resultType",
		    json_object_new_string("complete"));
		/*
		 * "private" when the answer depends on who asks (tools hidden
		 * by the token's scopes), else "public".
		 */
		if (methods[i].cacheable) {
			mcp_json_set(res, "ttlMs",
			    json_object_new_int(r->srv->cfg.list_ttl_ms));
			mcp_json_set(res, "cacheScope", json_object_new_string(
			    r->authed && r->srv->cfg.auth.hide_tools ?
			    "private" : "public"));
		}
	}
	out->result = res;
}

void
mcp_proto_notification(struct mcp_req *r, const struct mcp_msg *msg)
{
	const char		*m = msg->method;
	struct json_object	*rid;
	int64_t			 now, keep;

	if (strcmp(m, "notifications/cancelled") == 0) {
		if (!r->has_sess || (rid = mcp_msg_json(msg,
		    mcp_jv_get(msg->params, "requestId"), NULL)) == NULL)
			return;
		/* No request of ours has a longer id: nothing to cancel. */
		if (!json_object_is_type(rid, json_type_int) &&
		    (!json_object_is_type(rid, json_type_string) ||
		    json_object_get_string_len(rid) > MCP_CANCEL_ID_MAX)) {
			mcp_logx(MCP_LEVEL_INFO, r->rid, "cancellation "
			    "ignored: requestId is not a string or integer "
			    "of at most %d bytes", MCP_CANCEL_ID_MAX);
			return;
		}
		now = (int64_t)time(NULL);
		/* A request runs request_timeout_seconds at most. */
		keep = r->srv->cfg.request_timeout > MCP_CANCEL_KEEP_MIN ?
		    r->srv->cfg.request_timeout : MCP_CANCEL_KEEP_MIN;
		r->store->ops->cancel_add(r->store, r->sess.id,
		    mcp_rpc_idtext(rid), now, now - keep);
		mcp_logx(MCP_LEVEL_INFO, r->rid, "request %s cancelled",
		    mcp_rpc_idtext(rid));
		return;
	}
	/* initialized, roots/list_changed and the rest need no action. */
	mcp_logx(MCP_LEVEL_DEBUG, r->rid, "notification %s", m);
}

void
mcp_proto_response(struct mcp_req *r, const struct mcp_msg *msg)
{
	struct json_object	*id = msg->id, *o;

	if (!r->has_sess)
		return;
	if ((o = mcp_msg_json(msg, msg->o, NULL)) == NULL ||
	    r->store->ops->pending_answer(r->store, r->sess.id,
	    mcp_rpc_idtext(id), mcp_json_text(o)) != MCP_OK)
		mcp_logx(MCP_LEVEL_INFO, r->rid, "response %s matches no "
		    "pending request", mcp_rpc_idtext(id));
	else
		mcp_logx(MCP_LEVEL_INFO, r->rid, "client answered %s",
		    mcp_rpc_idtext(id));
}
