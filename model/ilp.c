/* SPDX-License-Identifier: BSD-3-Clause */
/* GLPK models for the makespan (stage 1) and the migrations (stage 2).
 *
 * A plain textbook model handed to glp_intopt does worse than greedy within
 * 100 ms (measured by the prototype behind issue 3), so the recipe here is
 * the one that measured well:
 *   - presolve off, after glp_simplex has an optimal LP basis, so that the
 *     callback sees the model's own columns;
 *   - a GLP_IHEUR callback that injects the heuristic warm start, and at the
 *     first nodes rounds the LP solution, polishes it with local search and
 *     injects it when it beats the incumbent;
 *   - proven combinatorial bounds given to GLPK (T >= lb in stage 1,
 *     eviction cuts in stage 2) so that its gap test can stop the search
 *     as soon as the incumbent is good enough;
 *   - a stall rule: a search that has not improved for half its time limit
 *     gives up early. */
#include <float.h>
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bound.h"
#include "ilp.h"
#include "internal.h"
#include "localsearch.h"

/* How many branch-and-bound nodes get an LP rounding.  Each costs a local
 * search; the top of the tree, where the LP solution still moves a lot,
 * is where roundings differ from each other. */
#define ROUNDING_NODES 16

/* Share of its time limit an ILP may run without finding anything better
 * before it gives up. */
#define STALL_SHARE 0.5

enum stage {
    STAGE_MAKESPAN,
    STAGE_MOVES
};

struct ilp_ctx {
    enum stage stage;
    const double *load;
    int n, m;
    int *col;  /* col[j*m+c]: GLPK column, 0 if not in model */
    int t_col; /* stage 1: column of T */
    int ncols;

    /* Stage 1 */
    const int *rank; /* rank[j]: position of j in the load order */
    const int *order;
    bool break_symmetry;
    double lb;

    /* Stage 2 */
    const int *home;
    double cap;

    const int *start;
    bool start_sent;
    int *best; /* best assignment injected or found */
    double best_obj;
    int rounds_left;
    int rounded;

    double deadline;     /* model_now() by which run() returns */
    double bound;        /* best proven lower bound seen */
    double last_gain;    /* model_now() of the last better incumbent */
    double stall_s;      /* give up after this long without one */
    bool integral_proof; /* stage 2 stopped on ceil(bound) == incumbent */

    double *x; /* 1-based column values for injection */
    int *tmp;
    int *tmp2;
    double *core_load;
};

/* Objective of an assignment, measured the same way GLPK would. */
static double objective(const struct ilp_ctx *ctx, const int *asg)
{
    if (ctx->stage == STAGE_MAKESPAN)
        return model_makespan(ctx->load, ctx->n, asg, ctx->m);
    return model_count_moves(asg, ctx->home, ctx->n);
}

/* With symmetry breaking, the job of rank r may only use cores 0..r.  Any
 * assignment can be brought to that form by numbering its cores in the
 * order their first job appears in rank order. */
static void canonicalise(const struct ilp_ctx *ctx, const int *asg, int *out)
{
    int *label = ctx->tmp2, next = 0;

    for (int c = 0; c < ctx->m; c++)
        label[c] = -1;
    for (int r = 0; r < ctx->n; r++) {
        int j = ctx->order[r];
        if (label[asg[j]] < 0)
            label[asg[j]] = next++;
        out[j] = label[asg[j]];
    }
}

/* Hand an assignment to GLPK.  glp_ios_heur_sol does not check
 * feasibility, so only assignments that satisfy every row get here. */
static void inject(struct ilp_ctx *ctx, glp_tree *tree, const int *asg)
{
    const int *use = asg;

    if (ctx->stage == STAGE_MAKESPAN && ctx->break_symmetry) {
        canonicalise(ctx, asg, ctx->tmp);
        use = ctx->tmp;
    }
    memset(ctx->x, 0, sizeof(*ctx->x) * (size_t)(ctx->ncols + 1));
    for (int j = 0; j < ctx->n; j++) {
        int k = ctx->col[j * ctx->m + use[j]];
        if (k == 0)
            return; /* cannot happen after canonicalise */
        ctx->x[k] = 1.0;
    }
    if (ctx->stage == STAGE_MAKESPAN) {
        double t = model_makespan(ctx->load, ctx->n, use, ctx->m);
        ctx->x[ctx->t_col] = t > ctx->lb ? t : ctx->lb;
    }
    glp_ios_heur_sol(tree, ctx->x);
}

static void remember(struct ilp_ctx *ctx, const int *asg, double obj)
{
    if (obj < ctx->best_obj) {
        memcpy(ctx->best, asg, sizeof(*asg) * (size_t)ctx->n);
        ctx->best_obj = obj;
    }
}

/* Round the node's LP solution to an assignment and polish it.  Returns
 * false if the result is not feasible (stage 2 repair failed). */
static bool round_lp(struct ilp_ctx *ctx, glp_prob *lp, int *asg)
{
    int n = ctx->n, m = ctx->m;

    for (int j = 0; j < n; j++) {
        int best_c = -1;
        double best_v = -1.0;
        /* Stage 2: a job the LP keeps mostly at home stays home, which is
         * the rounding that costs the fewest migrations. */
        if (ctx->stage == STAGE_MOVES && ctx->home[j] >= 0 &&
            glp_get_col_prim(lp, ctx->col[j * m + ctx->home[j]]) >= 0.5) {
            asg[j] = ctx->home[j];
            continue;
        }
        for (int c = 0; c < m; c++) {
            int k = ctx->col[j * m + c];
            double v;
            if (k == 0)
                continue;
            v = glp_get_col_prim(lp, k);
            if (v > best_v) {
                best_v = v;
                best_c = c;
            }
        }
        asg[j] = best_c;
    }
    if (ctx->stage == STAGE_MAKESPAN) {
        model_core_loads(ctx->load, n, asg, m, ctx->core_load);
        ls_balance_until(ctx->load, n, m, asg, ctx->core_load, ctx->deadline);
        ls_descent(ctx->load, n, m, asg, ctx->core_load);
        return true;
    }
    memcpy(ctx->tmp2, asg, sizeof(*asg) * (size_t)n);
    return ls_repair(ctx->load, n, m, ctx->home, ctx->tmp2, ctx->cap, NULL, asg);
}

/* The lowest local bound among active nodes and the current one is a
 * bound for the whole remaining search. */
static void track_bound(struct ilp_ctx *ctx, glp_tree *tree)
{
    int p = glp_ios_best_node(tree), cur = glp_ios_curr_node(tree);
    double b;

    if (p == 0 && cur == 0)
        return;
    b = p != 0 ? glp_ios_node_bound(tree, p) : DBL_MAX;
    if (cur != 0) {
        double bc = glp_ios_node_bound(tree, cur);
        if (bc < b)
            b = bc;
    }
    if (b > ctx->bound && b < DBL_MAX / 2)
        ctx->bound = b;
}

static void callback(glp_tree *tree, void *info)
{
    struct ilp_ctx *ctx = info;
    glp_prob *lp = glp_ios_get_prob(tree);

    track_bound(ctx, tree);

    /* GLPK reads its clock between nodes only, and not before its root
     * work: the callback holds the time limit to the millisecond (the
     * incumbent is in ctx->best whatever GLPK has). */
    if (model_now() >= ctx->deadline) {
        glp_ios_terminate(tree);
        return;
    }

    if (glp_ios_reason(tree) == GLP_IHEUR) {
        if (!ctx->start_sent) {
            inject(ctx, tree, ctx->start);
            ctx->start_sent = true;
        }
        if (ctx->rounds_left > 0) {
            int *rounded = malloc(sizeof(*rounded) * (size_t)ctx->n);
            ctx->rounds_left--;
            if (rounded != NULL) {
                if (round_lp(ctx, lp, rounded)) {
                    double obj = objective(ctx, rounded);
                    ctx->rounded++;
                    if (obj < ctx->best_obj - MODEL_LOAD_EPS) {
                        remember(ctx, rounded, obj);
                        inject(ctx, tree, rounded);
                        ctx->last_gain = model_now();
                    }
                }
                free(rounded);
            }
        }
    }

    if (glp_ios_reason(tree) == GLP_IBINGO)
        ctx->last_gain = model_now();
    /* Measured: when the LP-based search has not improved the incumbent
     * for a while it does not later either; stop and save the time. */
    if (model_now() - ctx->last_gain > ctx->stall_s) {
        glp_ios_terminate(tree);
        return;
    }

    /* Moves are whole numbers: once the bound rounds up to the incumbent,
     * nothing better exists and the search can stop. */
    if (ctx->stage == STAGE_MOVES && glp_mip_status(lp) == GLP_FEAS) {
        double inc = glp_mip_obj_val(lp);
        if (ceil(ctx->bound - 1e-6) >= inc - 1e-6) {
            ctx->integral_proof = true;
            glp_ios_terminate(tree);
        }
    }
}

/* Turn GLPK's incumbent back into an assignment, if it has one. */
static bool read_solution(const struct ilp_ctx *ctx, glp_prob *lp, int *asg)
{
    int st = glp_mip_status(lp);

    if (st != GLP_OPT && st != GLP_FEAS)
        return false;
    for (int j = 0; j < ctx->n; j++) {
        asg[j] = -1;
        for (int c = 0; c < ctx->m; c++) {
            int k = ctx->col[j * ctx->m + c];
            if (k != 0 && glp_mip_col_val(lp, k) > 0.5) {
                asg[j] = c;
                break;
            }
        }
        if (asg[j] < 0)
            return false;
    }
    return true;
}

static int remaining_ms(double deadline)
{
    double left = deadline - model_now();
    int ms = (int)(left * 1000.0);
    return ms < 1 ? 1 : ms;
}

/* Stage 2 cuts: a core that is over the cap as things stand must lose at
 * least k of its current jobs, so at most (jobs - k) of them stay.  The
 * plain LP spreads fractions of jobs instead; these rows lift its bound
 * to bound_moves() and make its roundings much closer to integral. */
static int add_eviction_cuts(struct ilp_ctx *ctx, glp_prob *lp, int nnz, int *ia, int *ja,
                             double *ar)
{
    int n = ctx->n, m = ctx->m;

    for (int c = 0; c < m; c++) {
        int k = bound_evictions(ctx->load, n, ctx->home, c, ctx->cap);
        int stay = 0, row;
        if (k == 0)
            continue;
        for (int j = 0; j < n; j++)
            stay += ctx->home[j] == c;
        row = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, row, GLP_UP, 0.0, (double)(stay - k));
        for (int j = 0; j < n; j++) {
            if (ctx->home[j] != c)
                continue;
            ++nnz;
            ia[nnz] = row;
            ja[nnz] = ctx->col[j * m + c];
            ar[nnz] = 1.0;
        }
    }
    return nnz;
}

/* Build columns x[j][c] (and T in stage 1) and the assignment and
 * capacity rows.  Returns the problem or NULL when out of memory. */
static glp_prob *build(struct ilp_ctx *ctx)
{
    int n = ctx->n, m = ctx->m, ncols = 0, nnz = 0;
    int *ia = NULL, *ja = NULL;
    double *ar = NULL;
    glp_prob *lp;
    size_t cap_nz = (size_t)n * (size_t)m * 2 + (size_t)m + (size_t)n + 1;

    for (int j = 0; j < n; j++)
        for (int c = 0; c < m; c++) {
            bool allowed =
                !(ctx->stage == STAGE_MAKESPAN && ctx->break_symmetry && c > ctx->rank[j]);
            ctx->col[j * m + c] = allowed ? ++ncols : 0;
        }
    if (ctx->stage == STAGE_MAKESPAN)
        ctx->t_col = ++ncols;
    ctx->ncols = ncols;

    ia = malloc(sizeof(*ia) * cap_nz);
    ja = malloc(sizeof(*ja) * cap_nz);
    ar = malloc(sizeof(*ar) * cap_nz);
    ctx->x = calloc((size_t)ncols + 1, sizeof(*ctx->x));
    if (ia == NULL || ja == NULL || ar == NULL || ctx->x == NULL) {
        free(ia);
        free(ja);
        free(ar);
        return NULL;
    }

    lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, n + m);
    glp_add_cols(lp, ncols);

    /* Rows 1..n: each job on exactly one core. */
    for (int j = 0; j < n; j++)
        glp_set_row_bnds(lp, j + 1, GLP_FX, 1.0, 1.0);
    /* Rows n+1..n+m: core load <= T (stage 1) or <= cap (stage 2). */
    for (int c = 0; c < m; c++) {
        if (ctx->stage == STAGE_MAKESPAN)
            glp_set_row_bnds(lp, n + c + 1, GLP_UP, 0.0, 0.0);
        else
            glp_set_row_bnds(lp, n + c + 1, GLP_UP, 0.0, ctx->cap);
    }

    for (int j = 0; j < n; j++)
        for (int c = 0; c < m; c++) {
            int k = ctx->col[j * m + c];
            if (k == 0)
                continue;
            glp_set_col_kind(lp, k, GLP_BV);
            ++nnz;
            ia[nnz] = j + 1;
            ja[nnz] = k;
            ar[nnz] = 1.0;
            ++nnz;
            ia[nnz] = n + c + 1;
            ja[nnz] = k;
            ar[nnz] = ctx->load[j];
            /* Stage 2 objective: -1 for staying home, plus a constant. */
            if (ctx->stage == STAGE_MOVES && ctx->home[j] == c)
                glp_set_obj_coef(lp, k, -1.0);
        }
    if (ctx->stage == STAGE_MAKESPAN) {
        glp_set_col_bnds(lp, ctx->t_col, GLP_LO, ctx->lb, 0.0);
        glp_set_obj_coef(lp, ctx->t_col, 1.0);
        for (int c = 0; c < m; c++) {
            ++nnz;
            ia[nnz] = n + c + 1;
            ja[nnz] = ctx->t_col;
            ar[nnz] = -1.0;
        }
    } else {
        glp_set_obj_coef(lp, 0, (double)n);
        nnz = add_eviction_cuts(ctx, lp, nnz, ia, ja, ar);
    }
    glp_load_matrix(lp, nnz, ia, ja, ar);
    free(ia);
    free(ja);
    free(ar);
    return lp;
}

/* Shared driver: build, simplex, intopt with the callback, read back. */
static int run(struct ilp_ctx *ctx, double gap, double time_limit_s, int *asg,
               struct ilp_outcome *out)
{
    double deadline = ctx->deadline = model_now() + time_limit_s;
    int n = ctx->n, m = ctx->m, ret = MODEL_OK, rc, term;
    glp_prob *lp;
    glp_smcp smcp;
    glp_iocp iocp;
    double start_obj;

    ctx->col = malloc(sizeof(*ctx->col) * (size_t)n * (size_t)m);
    ctx->best = malloc(sizeof(*ctx->best) * (size_t)n);
    ctx->tmp = malloc(sizeof(*ctx->tmp) * (size_t)(n > m ? n : m));
    ctx->tmp2 = malloc(sizeof(*ctx->tmp2) * (size_t)(n > m ? n : m));
    ctx->core_load = malloc(sizeof(*ctx->core_load) * (size_t)m);
    if (ctx->col == NULL || ctx->best == NULL || ctx->tmp == NULL || ctx->tmp2 == NULL ||
        ctx->core_load == NULL) {
        ret = MODEL_ENOMEM;
        goto out;
    }
    memcpy(ctx->best, ctx->start, sizeof(*asg) * (size_t)n);
    start_obj = ctx->best_obj = objective(ctx, ctx->start);
    ctx->rounds_left = ROUNDING_NODES;
    ctx->last_gain = model_now();
    ctx->stall_s = time_limit_s * STALL_SHARE;

    lp = build(ctx);
    if (lp == NULL) {
        ret = MODEL_ENOMEM;
        goto out;
    }

    /* GLPK prints to stdout by default; model/ must stay silent. */
    term = glp_term_out(GLP_OFF);

    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_OFF;
    smcp.presolve = GLP_OFF;
    smcp.tm_lim = remaining_ms(deadline);
    /* building a 65,536-column model takes ~15 ms: what is left may be
     * nothing */
    rc = model_now() < deadline ? glp_simplex(lp, &smcp) : GLP_ETMLIM;

    if (rc == 0 && glp_get_status(lp) == GLP_OPT && model_now() < deadline) {
        glp_init_iocp(&iocp);
        iocp.msg_lev = GLP_MSG_OFF;
        iocp.presolve = GLP_OFF;
        iocp.mip_gap = gap;
        iocp.tm_lim = remaining_ms(deadline);
        iocp.cb_func = callback;
        iocp.cb_info = ctx;
        rc = glp_intopt(lp, &iocp);

        if (read_solution(ctx, lp, ctx->tmp)) {
            double obj = objective(ctx, ctx->tmp);
            remember(ctx, ctx->tmp, obj);
            if (rc == 0 && glp_mip_status(lp) == GLP_OPT) {
                /* Search exhausted: the incumbent is optimal. */
                if (glp_mip_obj_val(lp) > ctx->bound)
                    ctx->bound = glp_mip_obj_val(lp);
            } else if (rc == GLP_EMIPGAP) {
                /* GLPK proved |obj - bound| <= gap * (|obj| + eps). */
                double v = glp_mip_obj_val(lp);
                double b = v - gap * (fabs(v) + DBL_EPSILON);
                if (b > ctx->bound)
                    ctx->bound = b;
            }
        }
    }
    glp_term_out(term);
    glp_delete_prob(lp);

    memcpy(asg, ctx->best, sizeof(*asg) * (size_t)n);
    out->bound = ctx->bound;
    out->improved = ctx->best_obj < start_obj - MODEL_LOAD_EPS;
    out->nodes_heur = ctx->rounded;
    if (ctx->stage == STAGE_MOVES)
        out->proven = ctx->integral_proof || ceil(ctx->bound - 1e-6) >= ctx->best_obj - 1e-6;
    else
        out->proven = ctx->best_obj <= ctx->bound * (1.0 + gap) + MODEL_LOAD_EPS;
out:
    free(ctx->col);
    free(ctx->best);
    free(ctx->tmp);
    free(ctx->tmp2);
    free(ctx->core_load);
    free(ctx->x);
    return ret;
}

int ilp_min_makespan(const double *load, int n, int m, const int *order, bool break_symmetry,
                     double lb, const int *start, double gap, double time_limit_s, int *asg,
                     struct ilp_outcome *out)
{
    int *rank = malloc(sizeof(*rank) * (size_t)n);
    int ret;
    struct ilp_ctx ctx = {
        .stage = STAGE_MAKESPAN,
        .load = load,
        .n = n,
        .m = m,
        .order = order,
        .rank = rank,
        .break_symmetry = break_symmetry,
        .lb = lb,
        .start = start,
        .bound = lb,
    };

    if (rank == NULL)
        return MODEL_ENOMEM;
    for (int r = 0; r < n; r++)
        rank[order[r]] = r;
    ret = run(&ctx, gap, time_limit_s, asg, out);
    free(rank);
    return ret;
}

int ilp_min_moves(const double *load, int n, int m, const int *home, double cap, const int *start,
                  int moves_lb, double time_limit_s, int *asg, struct ilp_outcome *out)
{
    struct ilp_ctx ctx = {
        .stage = STAGE_MOVES,
        .load = load,
        .n = n,
        .m = m,
        .home = home,
        .cap = cap,
        .start = start,
        .bound = moves_lb,
    };
    /* The gap is absolute in moves (see the callback); GLPK's relative
     * gap is left at zero so it does not stop before that proof. */
    return run(&ctx, 0.0, time_limit_s, asg, out);
}
