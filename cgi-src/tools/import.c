/*
 * import.c: import_organizations, the reference tool whose work takes a
 * while: many organizations into one environment, a batch at a time.
 * Each batch is one transaction (all of it is written, or none); after
 * each, notifications/progress says how far it got (when the request
 * carried a progress token), and before the next the call stops if it
 * was cancelled (2025: notifications/cancelled; 2026-07-28: the client
 * closed the stream).  Between batches it leaves the store to other
 * writers for IMPORT_YIELD_MS, so that one long import never holds the
 * embedded store's write lock for long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools.h"

#define IMPORT_YIELD_MS		10
#define IMPORT_BATCH_DEFAULT	25

struct import {
	struct json_object	*ids;		/* of those made */
	struct json_object	*skipped;	/* {index, reason} each */
	size_t			 done;		/* items looked at */
	const char		*stopped;	/* NULL, "quota" */
};

static void
skip(struct import *im, size_t index, const char *reason)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "index", json_object_new_int64(
	    (int64_t)index));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_array_add(im->skipped, o);
}

/* Item i of the list as an organization of env; 0, or -1 (skipped). */
static int
item(struct import *im, struct json_object *it, size_t i, const char *env,
    struct mcp_org *o)
{
	struct json_object	*name, *ext, *meta;
	const char		*t;

	memset(o, 0, sizeof(*o));
	json_object_object_get_ex(it, "name", &name);
	if (tool_copy(o->environment, sizeof(o->environment), env) == -1 ||
	    tool_copy(o->name, sizeof(o->name),
	    json_object_get_string(name)) == -1 ||
	    strlen(o->name) != (size_t)json_object_get_string_len(name)) {
		skip(im, i, "the name holds U+0000 or is over 128 bytes");
		return -1;
	}
	if (json_object_object_get_ex(it, "external_id", &ext) &&
	    tool_copy(o->external_id, sizeof(o->external_id),
	    json_object_get_string(ext)) == -1) {
		skip(im, i, "the external_id is too long");
		return -1;
	}
	t = json_object_object_get_ex(it, "metadata", &meta) ?
	    json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN) :
	    "{}";
	if (tool_copy(o->metadata, sizeof(o->metadata), t) == -1) {
		skip(im, i, "the metadata is over 4096 bytes as JSON");
		return -1;
	}
	return 0;
}

/*
 * One batch, items [start, end): those that are valid go to the store
 * together.  0, or the isError result that ends the call.
 */
static struct json_object *
batch(struct mcp_call *c, struct import *im, struct json_object *list,
    size_t start, size_t end, const char *env, struct mcp_org *o)
{
	enum mcp_data	 out[MCP_ORG_BATCH_MAX], d;
	size_t		 idx[MCP_ORG_BATCH_MAX], i, k = 0;

	for (i = start; i < end; i++)
		if (item(im, json_object_array_get_idx(list, i), i, env,
		    &o[k]) == 0)
			idx[k++] = i;
	if ((d = mcp_org_create_many(c, o, k, out)) == MCP_DATA_NOTFOUND &&
	    start == 0)
		return tool_data_error(d, "environment", env,
		    "list_environments");
	if (d != MCP_DATA_OK)
		return mcp_result_errorf("The import stopped at item %zu: the "
		    "store is unavailable. The %zu organizations made before "
		    "it stay (list_organizations shows them); retry with the "
		    "rest later.", start, json_object_array_length(im->ids));
	for (i = 0; i < k; i++) {
		if (out[i] == MCP_DATA_OK)
			json_object_array_add(im->ids,
			    json_object_new_string(o[i].id));
		else if (out[i] == MCP_DATA_CONFLICT)
			skip(im, idx[i], "an organization with this "
			    "external_id exists in the environment");
		else {
			im->stopped = "quota";
			im->done = idx[i];
			return NULL;
		}
	}
	im->done = end;
	return NULL;
}

struct json_object *
tool_import_organizations(struct mcp_call *c, struct json_object *args)
{
	struct import		 im = { 0 };
	struct json_object	*list, *bs, *res = NULL, *sc;
	struct mcp_org		*o;
	const char		*env = tool_arg(args, "environment_id");
	size_t			 n, size = IMPORT_BATCH_DEFAULT, start;
	char			 msg[96];

	if ((res = tool_nul_error(args)) != NULL)
		return res;
	json_object_object_get_ex(args, "organizations", &list);
	n = json_object_array_length(list);
	if (json_object_object_get_ex(args, "batch_size", &bs))
		size = (size_t)json_object_get_int64(bs);
	/*
	 * More than one batch: a task where the client can hold one (its
	 * progress then goes nowhere; tasks/get tells the outcome).
	 */
	if (n > size)
		(void)mcp_call_task(c, 0);
	if ((o = calloc(size, sizeof(*o))) == NULL)
		return NULL;
	im.ids = json_object_new_array();
	im.skipped = json_object_new_array();
	for (start = 0; start < n && im.stopped == NULL; start += size) {
		if (start > 0 && mcp_call_sleep(c, IMPORT_YIELD_MS) == -1)
			break;		/* cancelled: no answer goes out */
		if ((res = batch(c, &im, list, start, start + size < n ?
		    start + size : n, env, o)) != NULL)
			goto out;
		snprintf(msg, sizeof(msg), "%zu of %zu organizations looked "
		    "at, %zu made", im.done, n,
		    json_object_array_length(im.ids));
		mcp_call_progress(c, (double)im.done, (double)n, msg);
	}
	mcp_call_trace(c, "import_organizations: %zu "
	    "of %zu looked at, %zu made%s", im.done, n,
	    json_object_array_length(im.ids), mcp_call_cancelled(c) ?
	    ", stopped by cancellation" : "");
	sc = json_object_new_object();
	json_object_object_add(sc, "total", json_object_new_int64(
	    (int64_t)n));
	json_object_object_add(sc, "processed", json_object_new_int64(
	    (int64_t)im.done));
	json_object_object_add(sc, "imported", json_object_new_int64(
	    (int64_t)json_object_array_length(im.ids)));
	json_object_object_add(sc, "organization_ids", json_object_get(
	    im.ids));
	json_object_object_add(sc, "skipped", json_object_get(im.skipped));
	json_object_object_add(sc, "stopped", im.stopped != NULL ?
	    json_object_new_string(im.stopped) : NULL);
	res = mcp_result_structured(sc);
out:
	json_object_put(im.ids);
	json_object_put(im.skipped);
	free(o);
	return res;
}
