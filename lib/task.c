/*
 * task.c: tools/call as a task (the 2026-07-28 tasks extension,
 * "io.modelcontextprotocol/tasks").
 *
 * A tool decides itself to become a task (mcp_call_task()): the client
 * gets a CreateTaskResult at once and the answer ends there, while the
 * worker thread goes on running the tool.  The task lives in the store,
 * so that tasks/get, tasks/update and tasks/cancel are answered by any
 * process: the running tool reads cancellations and answers from its row
 * and what it returns becomes the task's result.  While a process runs
 * tasks, a thread of its own beats for each of them every BEAT_MS; a task
 * whose process stopped beating is failed by the next tasks/get.  Every task belongs to its caller (token issuer and subject)
 * at its endpoint: another caller's answers exactly like one that does
 * not exist (-32602).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define TASK_EXT	"io.modelcontextprotocol/tasks"
#define POLL_MS		500	/* pollIntervalMs advised to clients */
#define BEAT_MS		2000	/* the beat thread's round */
#define WAIT_MS		200	/* a task waiting for answers looks this often */
#define RUNNING_MAX	256	/* max_tasks' largest setting */

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct json_object *
iso(int64_t ms)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	char		 buf[40], out[48];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%03dZ", buf, (int)(ms % 1000));
	return json_object_new_string(out);
}

/*
 * The tasks this process runs, for the beat thread and for each caller's
 * share of max_tasks.
 */
static struct {
	pthread_mutex_t		 lock;
	pthread_once_t		 once;
	struct mcp_server	*srv;
	size_t			 n;
	struct running {
		char		 id[65];
		char		 owner[65];
		const char	*endpoint;
	}			 r[RUNNING_MAX];
} T = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_ONCE_INIT, NULL, 0, { { "",
    "", NULL } } };

static int
terminal(const char *status)
{
	return strcmp(status, "completed") == 0 ||
	    strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0;
}

int
mcp_task_declared(const struct mcp_req *r)
{
	return r->modern && mcp_jv_obj(mcp_jv_obj(r->mcaps, "extensions"),
	    TASK_EXT) != NULL;
}

/* The Task members every answer about a task carries. */
static struct json_object *
task_json(const struct mcp_task *t, const char *result_type)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	mcp_json_set(o, "resultType", json_object_new_string(result_type));
	mcp_json_set(o, "taskId", json_object_new_string(t->id));
	mcp_json_set(o, "status", json_object_new_string(t->status));
	if (t->message[0] != '\0')
		mcp_json_set(o, "statusMessage",
		    json_object_new_string(t->message));
	mcp_json_set(o, "createdAt", iso(t->created_ms));
	mcp_json_set(o, "lastUpdatedAt", iso(t->updated_ms));
	mcp_json_set(o, "ttlMs", json_object_new_int64(t->ttl_ms));
	mcp_json_set(o, "pollIntervalMs", json_object_new_int(t->poll_ms));
	return o;
}

static void
task_key(const struct mcp_call *c, char *owner, const char **endpoint)
{
	mcp_guard_owner(c->req, owner, 65);
	*endpoint = c->req->srv->reg.ep->name;
}

static int
beat_fn(void *arg, struct mcp_task *t)
{
	(void)arg;
	if (terminal(t->status))
		return 0;
	t->beat_ms = now_ms();
	return 1;
}

/* Beats every BEAT_MS for each task this process runs. */
static void *
beat_main(void *arg)
{
	struct running		 r[RUNNING_MAX];
	struct mcp_store	*st;
	char			 err[256];
	size_t			 n, i;

	(void)arg;
	if ((st = mcp_store_open(T.srv->cfg.store_path, err,
	    sizeof(err))) == NULL) {
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "tasks: store: %s", err);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&T.lock);
		n = T.n;
		memcpy(r, T.r, n * sizeof(r[0]));
		pthread_mutex_unlock(&T.lock);
		for (i = 0; i < n; i++)
			(void)st->ops->task_edit(st, r[i].endpoint, r[i].owner,
			    r[i].id, now_ms(), beat_fn, NULL);
		mcp_nap(BEAT_MS);
	}
	return NULL;
}

static void
beat_start(void)
{
	pthread_t	 t;

	if (pthread_create(&t, NULL, beat_main, NULL) != 0)
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "tasks: no beat thread: "
		    "running tasks will be taken for lost");
	else
		pthread_detach(t);
}

/*
 * Takes a place among this process's running tasks: -1 when it runs
 * max_tasks, or the caller half of them (at least one).
 */
static int
running_add(struct mcp_server *srv, const char *id, const char *owner,
    const char *endpoint)
{
	size_t	 i, mine = 0, share;
	int	 rc = -1;

	/* Without tokens every caller is one: max_tasks alone bounds it. */
	share = owner[0] == '\0' ? (size_t)srv->cfg.max_tasks :
	    srv->cfg.max_tasks > 1 ? (size_t)srv->cfg.max_tasks / 2 : 1;
	pthread_mutex_lock(&T.lock);
	for (i = 0; i < T.n; i++)
		mine += strcmp(T.r[i].owner, owner) == 0;
	if (T.n < (size_t)srv->cfg.max_tasks && T.n < RUNNING_MAX &&
	    mine < share) {
		snprintf(T.r[T.n].id, sizeof(T.r[T.n].id), "%s", id);
		snprintf(T.r[T.n].owner, sizeof(T.r[T.n].owner), "%s", owner);
		T.r[T.n].endpoint = endpoint;
		T.n++;
		T.srv = srv;
		rc = 0;
	}
	pthread_mutex_unlock(&T.lock);
	if (rc == 0)
		pthread_once(&T.once, beat_start);
	return rc;
}

static void
running_drop(const char *id)
{
	size_t	 i;

	pthread_mutex_lock(&T.lock);
	for (i = 0; i < T.n; i++)
		if (strcmp(T.r[i].id, id) == 0) {
			T.r[i] = T.r[--T.n];
			break;
		}
	pthread_mutex_unlock(&T.lock);
}

int
mcp_call_task(struct mcp_call *c, int required)
{
	struct mcp_req		*r = c->req;
	struct mcp_server	*srv = r->srv;
	struct mcp_task		 t;
	struct mcp_reply	 rp;
	const struct mcp_tool_rt *tr;
	const char		*ep;
	enum mcp_err		 e;

	if (c->task)
		return 0;
	if (!r->modern || c->rmethod == NULL ||
	    strcmp(c->rmethod, "tools/call") != 0 ||
	    (tr = mcp_registry_tool(&srv->reg, c->rname)) == NULL ||
	    !(tr->def->flags & MCP_TOOL_TASKS))
		return -1;
	if (!mcp_task_declared(r)) {
		if (required)
			c->missing = "extensions";
		return -1;
	}
	if (r->io->end == NULL) {
		c->task_refused = "tasks need a FastCGI process";
		return -1;
	}
	memset(&t, 0, sizeof(t));
	task_key(c, t.owner, &ep);
	if (mcp_rand_hex(t.id, 32) == -1 || mcp_rand_hex(t.holder, 8) == -1)
		return -1;
	if (running_add(srv, t.id, t.owner, ep) == -1) {
		c->task_refused = "this process runs max_tasks tasks, or the "
		    "caller its share of them";
		c->task_busy = required;
		return -1;
	}
	snprintf(t.endpoint, sizeof(t.endpoint), "%s", ep);
	snprintf(t.tool, sizeof(t.tool), "%s", c->rname);
	snprintf(t.status, sizeof(t.status), "working");
	t.created_ms = t.updated_ms = t.beat_ms = now_ms();
	t.ttl_ms = (int64_t)srv->cfg.task_seconds * 1000;
	t.poll_ms = POLL_MS;
	if ((e = r->store->ops->task_put(r->store, &t, MCP_TASKS_PER_OWNER)) !=
	    MCP_OK) {
		running_drop(t.id);
		if (e == MCP_ERR_BUSY) {
			c->task_refused = "the caller has its most live tasks";
			c->task_busy = required;
		} else
			c->store_failed = 1;
		return -1;
	}
	/* Created and readable before the client hears of it. */
	memset(&rp, 0, sizeof(rp));
	rp.id = c->id;
	rp.result = task_json(&t, "task");
	if (r->sse)
		mcp_sse_reply(r, &rp);
	else
		mcp_http_reply(r, 200, &rp);
	json_object_put(rp.result);
	if (!r->gone && (r->io->flush(r->io) == -1 ||
	    r->io->end(r->io) == -1))
		mcp_logx(MCP_LEVEL_INFO, r->rid, "task %.12s: the client "
		    "left before its CreateTaskResult", t.id);
	r->gone = 1;
	r->answered = 1;
	/* The task limits stand for this thread now, not the caller's share. */
	mcp_inflight_leave(r);
	c->task = 1;
	memcpy(c->task_id, t.id, sizeof(c->task_id));
	memcpy(c->task_holder, t.holder, sizeof(c->task_holder));
	c->task_beat = t.beat_ms;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "tool %s runs as task %.12s",
	    c->rname, t.id);
	return 0;
}

/* --- Status notifications, on listens that named the task --- */

#define TASK_URI	"mcp-fcgi-task:"	/* the subscription's key */

static struct json_object	*stored(const char *);

/* What tasks/get would say of t, without resultType. */
static struct json_object *
detailed(const struct mcp_task *t)
{
	struct json_object	*o;

	if ((o = task_json(t, "complete")) == NULL)
		return NULL;
	json_object_object_del(o, "resultType");
	if (strcmp(t->status, "input_required") == 0 && t->inputs != NULL)
		mcp_json_set(o, "inputRequests", stored(t->inputs));
	else if (strcmp(t->status, "completed") == 0 && t->result != NULL)
		mcp_json_set(o, "result", stored(t->result));
	else if (strcmp(t->status, "failed") == 0 && t->error != NULL)
		mcp_json_set(o, "error", stored(t->error));
	return o;
}

/*
 * notifications/tasks with the task as it now is, for every listen that
 * named it (subscribed as TASK_URI<id> under the owner).
 */
static void
task_notify(struct mcp_req *r, const char *ep, const char *owner,
    const char *id)
{
	struct json_object	*msg;
	struct mcp_task		 t;
	char			 uri[sizeof(TASK_URI) + 64];
	enum mcp_err		 e;

	if (r->store->ops->task_get(r->store, ep, owner, id, now_ms(), &t) !=
	    MCP_OK)
		return;
	msg = json_object_new_object();
	mcp_json_set(msg, "jsonrpc", json_object_new_string("2.0"));
	mcp_json_set(msg, "method", json_object_new_string(
	    "notifications/tasks"));
	mcp_json_set(msg, "params", detailed(&t));
	mcp_task_clear(&t);
	snprintf(uri, sizeof(uri), TASK_URI "%s", id);
	e = r->store->ops->notice_add(r->store, owner, uri, mcp_json_text(msg),
	    (int64_t)time(NULL));
	json_object_put(msg);
	if (e == MCP_OK)
		mcp_streams_poke();
	else
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "task %.12s: its status "
		    "notice was not queued: %s", id, mcp_err_info(e)->message);
}

enum mcp_err
mcp_task_subscribe(struct mcp_req *r, const char *sid, const char *id)
{
	struct mcp_task	 t;
	char		 owner[65], uri[sizeof(TASK_URI) + 64];
	enum mcp_err	 e;

	if (strlen(id) != 64)
		return MCP_ERR_NOTFOUND;
	mcp_guard_owner(r, owner, sizeof(owner));
	if ((e = r->store->ops->task_get(r->store, r->srv->reg.ep->name,
	    owner, id, now_ms(), &t)) != MCP_OK)
		return e;
	mcp_task_clear(&t);
	snprintf(uri, sizeof(uri), TASK_URI "%s", id);
	return r->store->ops->subscribe(r->store, sid, uri, owner, 1);
}

/* --- The running task and its row --- */

struct sync {
	struct mcp_call		*c;
	int			 cancel;	/* out: the task is cancelled */
	/* Finish: the outcome. */
	const char		*status;
	char			*result, *error;
	/* Input: the key asked, its request; out: its answer. */
	const char		*key;
	struct json_object	*ask;
	struct json_object	*answer;
	int			 ask_only;
	int			 changed;	/* out: the status or requests */
};

/* 1 when the task was cancelled (or is gone); looks every WAIT_MS. */
int
mcp_task_cancelled(struct mcp_call *c)
{
	struct mcp_req	*r = c->req;
	struct mcp_task	 t;
	char		 owner[65];
	const char	*ep;
	enum mcp_err	 e;
	int64_t		 now = now_ms();

	if (c->cancelled)
		return 1;
	if (now - c->task_beat < WAIT_MS)
		return 0;
	task_key(c, owner, &ep);
	e = r->store->ops->task_get(r->store, ep, owner, c->task_id, now, &t);
	if (e == MCP_ERR_NOTFOUND || (e == MCP_OK && (t.cancel ||
	    terminal(t.status))))
		c->cancelled = 1;
	if (e == MCP_OK)
		mcp_task_clear(&t);
	c->task_beat = now;
	return c->cancelled;
}

static int
finish_fn(void *arg, struct mcp_task *t)
{
	struct sync	*s = arg;

	if (terminal(t->status))
		return 0;		/* cancelled first: it stays so */
	snprintf(t->status, sizeof(t->status), "%s", s->status);
	t->updated_ms = t->beat_ms = now_ms();
	free(t->inputs);
	t->inputs = NULL;
	t->result = s->result;
	t->error = s->error;
	s->result = s->error = NULL;
	s->changed = 1;
	return 1;
}

void
mcp_task_finish(struct mcp_call *c, struct json_object *res,
    const char *code_msg)
{
	struct mcp_req		*r = c->req;
	struct json_object	*err;
	struct mcp_buf		 b = { 0 };
	struct sync		 s;
	char			 owner[65];
	const char		*ep;
	enum mcp_err		 e;

	memset(&s, 0, sizeof(s));
	s.c = c;
	if (res != NULL) {
		s.status = "completed";
		/* The CallToolResult as a 2026-07-28 answer would carry it. */
		if (!mcp_json_has(res, "resultType"))
			mcp_json_set(res, "resultType",
			    json_object_new_string("complete"));
		b.max = r->srv->cfg.max_answer < MCP_TASK_RESULT_MAX ?
		    r->srv->cfg.max_answer : MCP_TASK_RESULT_MAX;
		if (mcp_result_write(&b, res) == -1) {
			s.status = "failed";
			code_msg = mcp_err_info(b.over ? MCP_ERR_ANSWER :
			    MCP_ERR_NOMEM)->message;
		} else
			s.result = strdup(b.p);
		mcp_buf_free(&b);
	} else
		s.status = "failed";
	if (s.result == NULL && (err = mcp_rpc_error_object(-32603,
	    code_msg != NULL ? code_msg : "Internal error", NULL)) != NULL) {
		s.status = "failed";
		s.error = strdup(mcp_json_text(err));
		json_object_put(err);
	}
	task_key(c, owner, &ep);
	e = r->store->ops->task_edit(r->store, ep, owner, c->task_id,
	    now_ms(), finish_fn, &s);
	if (e != MCP_OK)
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "task %.12s: its outcome "
		    "could not be stored (%s)", c->task_id,
		    mcp_err_info(e)->message);
	else
		mcp_logx(MCP_LEVEL_INFO, r->rid, "task %.12s %s", c->task_id,
		    c->cancelled ? "cancelled" : s.status);
	if (e == MCP_OK && s.changed)
		task_notify(r, ep, owner, c->task_id);
	r->outcome = c->cancelled ? "task_cancelled" : res != NULL ?
	    "task_completed" : "task_failed";
	free(s.result);
	free(s.error);
	running_drop(c->task_id);
}

/*
 * Takes the answer to s->key when there is one; else puts s->ask among
 * the outstanding requests (once: a key is asked once in a task's life).
 */
static int
input_fn(void *arg, struct mcp_task *t)
{
	struct sync		*s = arg;
	struct json_object	*ans = NULL, *in = NULL, *v;
	enum mcp_err		 e;
	int			 changed = 0;

	s->cancel = t->cancel || terminal(t->status);
	if (s->cancel)
		return 0;
	if (t->answers != NULL)
		ans = mcp_json_parse(t->answers, strlen(t->answers),
		    MCP_JSON_DEPTH_MAX, &e);
	if (t->inputs != NULL)
		in = mcp_json_parse(t->inputs, strlen(t->inputs),
		    MCP_JSON_DEPTH_MAX, &e);
	if (!s->ask_only && ans != NULL &&
	    json_object_object_get_ex(ans, s->key, &v)) {
		s->answer = json_object_get(v);
		json_object_object_del(ans, s->key);
		free(t->answers);
		t->answers = json_object_object_length(ans) > 0 ?
		    strdup(mcp_json_text(ans)) : NULL;
		changed = 1;
	} else if (in == NULL || !json_object_object_get_ex(in, s->key,
	    &v)) {
		if (in == NULL)
			in = json_object_new_object();
		if (in != NULL && json_object_object_length(in) <
		    MCP_INPUT_MAX) {
			json_object_object_add(in, s->key,
			    json_object_get(s->ask));
			free(t->inputs);
			t->inputs = strdup(mcp_json_text(in));
			snprintf(t->status, sizeof(t->status),
			    "input_required");
			changed = 1;
			s->changed = 1;
		}
	}
	if (changed)
		t->updated_ms = now_ms();
	json_object_put(ans);
	json_object_put(in);
	return changed;
}

/* 1 if the task read has an answer to key waiting. */
static int
answered(const struct mcp_task *t, const char *key)
{
	struct json_object	*ans;
	enum mcp_err		 e;
	int			 yes;

	if (t->answers == NULL || (ans = mcp_json_parse(t->answers,
	    strlen(t->answers), MCP_JSON_DEPTH_MAX, &e)) == NULL)
		return 0;
	yes = json_object_object_get_ex(ans, key, NULL);
	json_object_put(ans);
	return yes;
}

struct json_object *
mcp_task_input(struct mcp_call *c, const char *key, struct json_object *ask,
    int ask_only, int timeout_ms, const char **errstr)
{
	struct mcp_req	*r = c->req;
	struct mcp_task	 t;
	struct sync	 s;
	char		 owner[65];
	const char	*ep;
	enum mcp_err	 e;
	int64_t		 until = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	int		 look = 1;

	task_key(c, owner, &ep);
	for (;;) {
		if (look) {
			/* Takes the answer, or puts the question out. */
			memset(&s, 0, sizeof(s));
			s.c = c;
			s.key = key;
			s.ask = ask;
			s.ask_only = ask_only;
			e = r->store->ops->task_edit(r->store, ep, owner,
			    c->task_id, now_ms(), input_fn, &s);
			if (e == MCP_ERR_NOTFOUND || (e == MCP_OK && s.cancel))
				goto cancelled;
			if (e != MCP_OK) {
				*errstr = "store unavailable";
				return NULL;
			}
			if (s.changed)
				task_notify(r, ep, owner, c->task_id);
			if (ask_only || s.answer != NULL)
				return s.answer;
		}
		if (until > 0 && now_ms() >= until) {
			*errstr = "no answer in time";
			return NULL;
		}
		mcp_nap(WAIT_MS);
		/* Waiting reads; only an answer there takes the write lock. */
		e = r->store->ops->task_get(r->store, ep, owner, c->task_id,
		    now_ms(), &t);
		if (e == MCP_ERR_NOTFOUND || (e == MCP_OK && (t.cancel ||
		    terminal(t.status)))) {
			if (e == MCP_OK)
				mcp_task_clear(&t);
			goto cancelled;
		}
		look = e == MCP_OK && answered(&t, key);
		if (e == MCP_OK)
			mcp_task_clear(&t);
	}
cancelled:
	c->cancelled = 1;
	*errstr = "the task was cancelled";
	return NULL;
}

/* --- tasks/get, tasks/update, tasks/cancel --- */

/* The taskId of params: 64 hex digits, or NULL. */
static const char *
task_id(struct json_object *p)
{
	const char	*id = mcp_json_str(p, "taskId");
	size_t		 i;

	if (id == NULL || strlen(id) != 64)
		return NULL;
	for (i = 0; i < 64; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return NULL;
	return id;
}

/* arg: how long without a beat, in ms. */
static int
lost_fn(void *arg, struct mcp_task *t)
{
	if (terminal(t->status) || now_ms() - t->beat_ms < *(int64_t *)arg)
		return 0;
	snprintf(t->status, sizeof(t->status), "failed");
	snprintf(t->message, sizeof(t->message), "The process running this "
	    "task stopped");
	free(t->inputs);
	t->inputs = NULL;
	free(t->error);
	t->error = strdup("{\"code\":-32603,\"message\":\"The process running "
	    "this task stopped\"}");
	t->updated_ms = now_ms();
	return 1;
}

static int
update_fn(void *arg, struct mcp_task *t)
{
	struct json_object	*resp = arg, *in, *ans = NULL, *v;
	enum mcp_err		 e;
	int			 n = 0;

	if (terminal(t->status) || t->inputs == NULL ||
	    (in = mcp_json_parse(t->inputs, strlen(t->inputs),
	    MCP_JSON_DEPTH_MAX, &e)) == NULL)
		return 0;
	if (t->answers != NULL)
		ans = mcp_json_parse(t->answers, strlen(t->answers),
		    MCP_JSON_DEPTH_MAX, &e);
	if (ans == NULL)
		ans = json_object_new_object();
	/* Answers to outstanding requests only; anything else is ignored. */
	json_object_object_foreach(resp, k, val) {
		if (!json_object_object_get_ex(in, k, &v))
			continue;
		json_object_object_add(ans, k, json_object_get(val));
		json_object_object_del(in, k);
		n++;
	}
	if (n > 0) {
		free(t->inputs);
		free(t->answers);
		t->inputs = json_object_object_length(in) > 0 ?
		    strdup(mcp_json_text(in)) : NULL;
		t->answers = strdup(mcp_json_text(ans));
		if (t->inputs == NULL)
			snprintf(t->status, sizeof(t->status), "working");
		t->updated_ms = now_ms();
	}
	json_object_put(in);
	json_object_put(ans);
	return n > 0;
}

static int
cancel_fn(void *arg, struct mcp_task *t)
{
	(void)arg;
	if (terminal(t->status))
		return 0;
	t->cancel = 1;
	snprintf(t->status, sizeof(t->status), "cancelled");
	free(t->inputs);
	t->inputs = NULL;
	t->updated_ms = now_ms();
	return 1;
}

/* A JSON member from the store's text, or NULL. */
static struct json_object *
stored(const char *text)
{
	enum mcp_err	 e;

	return text != NULL ? mcp_json_parse(text, strlen(text),
	    MCP_JSON_DEPTH_MAX, &e) : NULL;
}

struct json_object *
mcp_task_method(struct mcp_req *r, const char *method, struct json_object *p,
    int *code, char *msg, size_t msgsz, struct json_object **data)
{
	struct json_object	*res, *resp, *need, *ext;
	struct mcp_task		 t;
	char			 owner[65];
	const char		*id, *ep = r->srv->reg.ep->name;
	enum mcp_err		 e;
	int64_t			 now = now_ms(), lost;

	*data = NULL;
	if (!mcp_task_declared(r)) {
		*code = -32021;
		snprintf(msg, msgsz, "Missing required client capability: "
		    "extensions." TASK_EXT);
		if ((*data = json_object_new_object()) != NULL &&
		    (need = json_object_new_object()) != NULL &&
		    (ext = json_object_new_object()) != NULL) {
			json_object_object_add(ext, TASK_EXT,
			    json_object_new_object());
			mcp_json_set(need, "extensions", ext);
			mcp_json_set(*data, "requiredCapabilities", need);
		}
		return NULL;
	}
	*code = -32602;
	if ((id = task_id(p)) == NULL) {
		snprintf(msg, msgsz, "Invalid params: taskId names no task");
		return NULL;
	}
	mcp_guard_owner(r, owner, sizeof(owner));
	if (strcmp(method, "tasks/update") == 0) {
		resp = mcp_json_obj(p, "inputResponses");
		if (resp == NULL) {
			snprintf(msg, msgsz, "Invalid params: inputResponses "
			    "(object) is required");
			return NULL;
		}
		if (json_object_object_length(resp) > MCP_INPUT_MAX) {
			snprintf(msg, msgsz, "Invalid params: inputResponses "
			    "may hold at most %d answers", MCP_INPUT_MAX);
			return NULL;
		}
		e = r->store->ops->task_edit(r->store, ep, owner, id, now,
		    update_fn, resp);
		if (e == MCP_OK)
			task_notify(r, ep, owner, id);
	} else if (strcmp(method, "tasks/cancel") == 0) {
		e = r->store->ops->task_edit(r->store, ep, owner, id, now,
		    cancel_fn, NULL);
		if (e == MCP_OK)
			task_notify(r, ep, owner, id);
	}
	else if ((e = r->store->ops->task_get(r->store, ep, owner, id, now,
	    &t)) == MCP_OK) {
		/* Only a task whose process stopped takes the write lock. */
		lost = (int64_t)r->srv->cfg.task_lost_seconds * 1000;
		if (!terminal(t.status) && now - t.beat_ms >= lost &&
		    (e = r->store->ops->task_edit(r->store, ep, owner, id,
		    now, lost_fn, &lost)) == MCP_OK)
			task_notify(r, ep, owner, id);
		mcp_task_clear(&t);
	}
	if (e == MCP_ERR_NOTFOUND) {
		snprintf(msg, msgsz, "Invalid params: taskId names no task");
		return NULL;
	}
	if (e != MCP_OK) {
		*code = -32603;
		snprintf(msg, msgsz, "%s", mcp_err_info(e)->message);
		return NULL;
	}
	if (strcmp(method, "tasks/get") != 0)
		return json_object_new_object();	/* an empty ack */
	if ((e = r->store->ops->task_get(r->store, ep, owner, id, now, &t)) !=
	    MCP_OK) {
		*code = e == MCP_ERR_NOTFOUND ? -32602 : -32603;
		snprintf(msg, msgsz, "%s", e == MCP_ERR_NOTFOUND ?
		    "Invalid params: taskId names no task" :
		    mcp_err_info(e)->message);
		return NULL;
	}
	if ((res = detailed(&t)) != NULL)
		mcp_json_set(res, "resultType", json_object_new_string(
		    "complete"));
	mcp_task_clear(&t);
	return res;
}
