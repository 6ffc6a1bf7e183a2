/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kunit_lite.h - the part of the KUnit API that xprtrdma_peer_test.c uses,
 * for kernels built without CONFIG_KUNIT (Debian's stock kernels).
 *
 * The suite then runs from module_init (after its parameters are parsed),
 * each case in a kthread of its own as KUnit runs it, and its results go
 * to the kernel log in the KTAP shape KUnit prints for a module's suite
 * (Documentation/dev-tools/ktap.rst), so tests/kunit/ktap.py reads either:
 *
 *	    KTAP version 1
 *	    # Subtest: SUITE
 *	    1..CASES
 *	        KTAP version 1
 *	        # Subtest: PARAM_CASE
 *	        ok 1 ROW DESCRIPTION
 *	    # PARAM_CASE: pass:P fail:F skip:S total:T
 *	    ok 1 PARAM_CASE
 *	    not ok 2 CASE
 *	# SUITE: pass:P fail:F skip:S total:T
 *	# Totals: pass:P fail:F skip:S total:T
 *	not ok 1 SUITE
 *
 * A failed expectation prints what failed (expression, values, message)
 * and marks the case failed; a failed assertion does that and ends the
 * case (its kthread exits).  Memory from kunit_kcalloc() is freed when
 * the case ends.  A case still running after 300 s fails.  A parameterised
 * case with no parameter at all is a skip, and so is never a pass.
 */
#ifndef XPRTRDMA_KUNIT_LITE_H
#define XPRTRDMA_KUNIT_LITE_H

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#define KUNIT_PARAM_DESC_SIZE	128
#define KUNIT_LITE_INDENT	"    "
#define KUNIT_LITE_TIMEOUT	(300 * HZ)

enum kunit_lite_status {
	KUNIT_LITE_SKIPPED,
	KUNIT_LITE_SUCCESS,
	KUNIT_LITE_FAILURE,
};

/**
 * struct kunit - one run of a case (one row of a parameterised case)
 * @name: the case's name
 * @param_value: the row, from generate_params
 * @param_index: its index, from 0
 * @failed: an expectation or assertion failed
 * @run_case: the case's function
 * @task: the kthread that runs it
 * @done: completed when @task exits
 * @allocs: what kunit_kcalloc() handed out, freed when the case ends
 *
 * Only @task adds to @allocs; the runner frees them once @task is gone.
 */
struct kunit {
	const char *name;
	const void *param_value;
	int param_index;
	bool failed;
	void (*run_case)(struct kunit *test);
	struct task_struct *task;
	struct completion done;
	struct list_head allocs;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)	{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen) \
	{ .run_case = fn, .name = #fn, .generate_params = gen }

#define kunit_info(test, fmt, ...) \
	pr_info(KUNIT_LITE_INDENT "# %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) \
	pr_err(KUNIT_LITE_INDENT "# %s: " fmt, (test)->name, ##__VA_ARGS__)

/* ---- expectations and assertions ---- */

/* Print @text's value unless @text is that value written out. */
static inline void kunit_lite_print_value(const char *text, long long value)
{
	char literal[24];

	snprintf(literal, sizeof(literal), "%lld", value);
	if (strcmp(literal, text))
		pr_err(KUNIT_LITE_INDENT KUNIT_LITE_INDENT "%s == %lld\n",
		       text, value);
}

/* Ends the case: only ever called from the case's own kthread. */
static inline void kunit_lite_end_case(struct kunit *test)
{
	if (WARN_ON_ONCE(current != test->task))
		return;
	kthread_complete_and_exit(&test->done, 0);
}

/* What a failed check prints: where it is, what it compared. */
struct kunit_lite_check {
	const char *file;
	int line;
	bool assertion;
	const char *left, *op, *right;	/* op NULL: a truth value */
};

/*
 * @ok false: report @c as failed with its values (or, for a truth value,
 * what @lvalue was) and the message, if any; a failed assertion ends the
 * case.
 */
static inline __printf(6, 7)
void kunit_lite_check(struct kunit *test, const struct kunit_lite_check *c,
		      bool ok, long long lvalue, long long rvalue,
		      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok)
		return;
	test->failed = true;
	kunit_err(test, "%s FAILED at %s:%d\n",
		  c->assertion ? "ASSERTION" : "EXPECTATION", c->file, c->line);
	if (c->op) {
		pr_err(KUNIT_LITE_INDENT "Expected %s %s %s, but\n",
		       c->left, c->op, c->right);
		kunit_lite_print_value(c->left, lvalue);
		kunit_lite_print_value(c->right, rvalue);
	} else {
		pr_err(KUNIT_LITE_INDENT "Expected %s to be %s, but is %s\n",
		       c->left, c->right, lvalue ? "true" : "false");
	}
	if (fmt) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_err("%pV\n", &vaf);
		va_end(args);
	}
	if (c->assertion)
		kunit_lite_end_case(test);
}

/* Each operand is evaluated once, compared in its own type, as KUnit does. */
#define KUNIT_LITE_BINARY(test, assertion, left, op, right, fmt, ...)	\
	do {								\
		static const struct kunit_lite_check __kl_check = {	\
			__FILE__, __LINE__, assertion,			\
			#left, #op, #right,				\
		};							\
		const typeof(left) __kl_left = (left);			\
		const typeof(right) __kl_right = (right);		\
									\
		kunit_lite_check(test, &__kl_check,			\
				 __kl_left op __kl_right,		\
				 (long long)__kl_left,			\
				 (long long)__kl_right,			\
				 fmt, ##__VA_ARGS__);			\
	} while (0)

#define KUNIT_LITE_BOOL(test, assertion, cond, want, fmt, ...)		\
	do {								\
		static const struct kunit_lite_check __kl_check = {	\
			__FILE__, __LINE__, assertion, #cond, NULL, #want, \
		};							\
		const bool __kl_value = (cond);				\
									\
		kunit_lite_check(test, &__kl_check,			\
				 __kl_value == (want), __kl_value, 0,	\
				 fmt, ##__VA_ARGS__);			\
	} while (0)

#define KUNIT_EXPECT_EQ_MSG(test, l, r, fmt, ...) \
	KUNIT_LITE_BINARY(test, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(test, l, r, fmt, ...) \
	KUNIT_LITE_BINARY(test, false, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(test, l, r, fmt, ...) \
	KUNIT_LITE_BINARY(test, false, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(test, l, r, fmt, ...) \
	KUNIT_LITE_BINARY(test, false, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE_MSG(test, cond, fmt, ...) \
	KUNIT_LITE_BOOL(test, false, cond, true, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(test, cond, fmt, ...) \
	KUNIT_LITE_BOOL(test, false, cond, false, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(test, l, r, fmt, ...) \
	KUNIT_LITE_BINARY(test, true, l, ==, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_EQ(test, l, r)	KUNIT_EXPECT_EQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_NE(test, l, r)	KUNIT_EXPECT_NE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_GT(test, l, r)	KUNIT_EXPECT_GT_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_GE(test, l, r)	KUNIT_EXPECT_GE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_TRUE(test, cond)	KUNIT_EXPECT_TRUE_MSG(test, cond, NULL)
#define KUNIT_EXPECT_FALSE(test, cond)	KUNIT_EXPECT_FALSE_MSG(test, cond, NULL)
#define KUNIT_ASSERT_EQ(test, l, r)	KUNIT_ASSERT_EQ_MSG(test, l, r, NULL)

/* ---- memory released at the end of the case ---- */

struct kunit_lite_alloc {
	struct list_head node;
	u8 data[] __aligned(ARCH_KMALLOC_MINALIGN);
};

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	struct kunit_lite_alloc *a;
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	a = kzalloc(size_add(sizeof(*a), bytes), gfp);
	if (!a)
		return NULL;
	list_add(&a->node, &test->allocs);
	return a->data;
}

static inline void kunit_lite_release(struct kunit *test)
{
	struct kunit_lite_alloc *a, *next;

	list_for_each_entry_safe(a, next, &test->allocs, node) {
		list_del(&a->node);
		kfree(a);
	}
}

/* ---- running a suite ---- */

static inline int kunit_lite_thread(void *data)
{
	struct kunit *test = data;

	test->run_case(test);
	kthread_complete_and_exit(&test->done, 0);
}

/* Run @test once, in a kthread; true if it passed. */
static inline bool kunit_lite_run(struct kunit *test)
{
	struct task_struct *task;

	test->failed = false;
	INIT_LIST_HEAD(&test->allocs);
	init_completion(&test->done);
	task = kthread_create(kunit_lite_thread, test, "kunit_lite");
	if (IS_ERR(task)) {
		kunit_err(test, "no kthread: %ld\n", PTR_ERR(task));
		return false;
	}
	get_task_struct(task);
	test->task = task;
	wake_up_process(task);
	if (!wait_for_completion_timeout(&test->done, KUNIT_LITE_TIMEOUT)) {
		kunit_err(test, "test case timed out\n");
		test->failed = true;
		kthread_stop(task);	/* waits for it to end */
	}
	put_task_struct(task);
	test->task = NULL;
	kunit_lite_release(test);
	return !test->failed;
}

struct kunit_lite_stats {
	unsigned int pass, fail, skip;
};

static inline void kunit_lite_count(struct kunit_lite_stats *s,
				    enum kunit_lite_status status)
{
	if (status == KUNIT_LITE_SUCCESS)
		s->pass++;
	else if (status == KUNIT_LITE_FAILURE)
		s->fail++;
	else
		s->skip++;
}

static inline void kunit_lite_print_stats(const char *indent,
					  const char *name,
					  const struct kunit_lite_stats *s)
{
	pr_info("%s# %s: pass:%u fail:%u skip:%u total:%u\n", indent, name,
		s->pass, s->fail, s->skip, s->pass + s->fail + s->skip);
}

static inline void kunit_lite_print_result(const char *indent,
					   enum kunit_lite_status status,
					   unsigned int number,
					   const char *name)
{
	pr_info("%s%s %u %s%s\n", indent,
		status == KUNIT_LITE_FAILURE ? "not ok" : "ok", number, name,
		status == KUNIT_LITE_SKIPPED ? " # SKIP" : "");
}

/* Every row of @c as a subtest; the case fails if a row did. */
static inline enum kunit_lite_status
kunit_lite_run_params(struct kunit_case *c, struct kunit_lite_stats *rows)
{
	enum kunit_lite_status status = KUNIT_LITE_SKIPPED;
	struct kunit test = { .name = c->name, .run_case = c->run_case };
	char desc[KUNIT_PARAM_DESC_SIZE];
	bool ok;

	pr_info(KUNIT_LITE_INDENT KUNIT_LITE_INDENT "KTAP version 1\n");
	pr_info(KUNIT_LITE_INDENT KUNIT_LITE_INDENT "# Subtest: %s\n",
		c->name);
	desc[0] = '\0';
	test.param_value = c->generate_params(NULL, desc);
	while (test.param_value) {
		ok = kunit_lite_run(&test);
		if (!desc[0])
			snprintf(desc, sizeof(desc), "param-%d",
				 test.param_index);
		kunit_lite_print_result(KUNIT_LITE_INDENT KUNIT_LITE_INDENT,
					ok ? KUNIT_LITE_SUCCESS :
					KUNIT_LITE_FAILURE,
					test.param_index + 1, desc);
		kunit_lite_count(rows, ok ? KUNIT_LITE_SUCCESS :
				 KUNIT_LITE_FAILURE);
		if (!ok)
			status = KUNIT_LITE_FAILURE;
		else if (status == KUNIT_LITE_SKIPPED)
			status = KUNIT_LITE_SUCCESS;
		desc[0] = '\0';
		test.param_value = c->generate_params(test.param_value, desc);
		test.param_index++;
	}
	return status;
}

static inline void kunit_lite_run_suite(struct kunit_suite *suite)
{
	struct kunit_lite_stats cases = {}, totals = {}, rows;
	enum kunit_lite_status status;
	struct kunit_case *c;
	unsigned int n = 0;
	int err;

	if (suite->suite_init) {
		err = suite->suite_init(suite);
		if (err) {
			pr_err(KUNIT_LITE_INDENT "# failed to initialize (%d)\n",
			       err);
			kunit_lite_print_result("", KUNIT_LITE_FAILURE, 1,
						suite->name);
			return;
		}
	}
	for (c = suite->test_cases; c->run_case; c++)
		n++;
	pr_info(KUNIT_LITE_INDENT "KTAP version 1\n");
	pr_info(KUNIT_LITE_INDENT "# Subtest: %s\n", suite->name);
	pr_info(KUNIT_LITE_INDENT "1..%u\n", n);
	for (c = suite->test_cases, n = 1; c->run_case; c++, n++) {
		struct kunit test = { .name = c->name, .run_case = c->run_case };

		memset(&rows, 0, sizeof(rows));
		if (c->generate_params) {
			status = kunit_lite_run_params(c, &rows);
		} else {
			status = kunit_lite_run(&test) ? KUNIT_LITE_SUCCESS :
							 KUNIT_LITE_FAILURE;
			kunit_lite_count(&rows, status);
		}
		if (rows.pass + rows.fail + rows.skip > 1)
			kunit_lite_print_stats(KUNIT_LITE_INDENT, c->name,
					       &rows);
		kunit_lite_print_result(KUNIT_LITE_INDENT, status, n, c->name);
		kunit_lite_count(&cases, status);
		totals.pass += rows.pass;
		totals.fail += rows.fail;
		totals.skip += rows.skip;
	}
	if (suite->suite_exit)
		suite->suite_exit(suite);
	kunit_lite_print_stats("", suite->name, &cases);
	kunit_lite_print_stats("", "Totals", &totals);
	status = KUNIT_LITE_SKIPPED;
	if (cases.fail)
		status = KUNIT_LITE_FAILURE;
	else if (cases.pass)
		status = KUNIT_LITE_SUCCESS;
	kunit_lite_print_result("", status, 1, suite->name);
}

/* Set by kunit_test_suite(), which must follow this header. */
static struct kunit_suite *kunit_lite_suite;

/*
 * The suite runs when the module loads, and loading succeeds whatever the
 * results (as with KUnit): they are in the log.
 */
static int __init kunit_lite_init(void)
{
	kunit_lite_run_suite(kunit_lite_suite);
	return 0;
}

static void __exit kunit_lite_exit(void)
{
}

#define kunit_test_suite(suite)						\
	static struct kunit_suite *kunit_lite_suite = &(suite);		\
	module_init(kunit_lite_init);					\
	module_exit(kunit_lite_exit)

#endif /* XPRTRDMA_KUNIT_LITE_H */
