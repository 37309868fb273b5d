/* SPDX-License-Identifier: BSD-3-Clause */
/* decide.h - the scheduler's one decision step.
 *
 * A pure function from "what the relay looks like now" (worker CPUs, every
 * relay's NUMA node, current CPU and smoothed load per direction) and the
 * machine's topology to "what to do": the solver's answer per NUMA node,
 * the moves that pay by the hysteresis rule, and the mapping that results.
 *
 * The live loop and --replay both call sched_decide() and nothing else to
 * decide, so an offline replay of a trace shows exactly what the daemon
 * would have done on the same loads.
 */
#ifndef VIO4WD_SCHED_DECIDE_H
#define VIO4WD_SCHED_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "locality.h"
#include "state.h"

struct model_topology;
struct sched_hysteresis;

/* The whole decision's deadline, by default, as a share of the poll
 * interval: 0.15 x 5 s = 0.75 s, so a decision leaves the host alone for
 * most of the interval and its p99 stays under 1 s at the defaults. */
#define SCHED_DEADLINE_SHARE 0.15

/* A class with more directions x workers than this is not handed to the
 * ILP (greedy, local search and repair only): GLPK's model grows with the
 * product, to 600 MB at 8,192 directions, and at that size its LP rarely
 * improves on the heuristics within any deadline we could give it. */
#define SCHED_MAX_ILP_COLUMNS 65536L

/* spread: the least makespan over all workers (upstream's aim, the
 * default); pack: the fewest active workers at or below a target load,
 * the rest parked (model/assign.h, model/pack.h). */
enum sched_mode {
    SCHED_MODE_SPREAD = 0,
    SCHED_MODE_PACK = 1,
};

/* Name of a mode ("spread", "pack"); sched_mode_parse() is its inverse
 * (returns -1 for anything else). */
const char *sched_mode_name(int mode);
int sched_mode_parse(const char *name);

#define SCHED_DEFAULT_PACK_TARGET 0.7
/* pack: parking keeps this share of the most workers active over the last
 * day (model/pack.h); the window is a day, as loads that return do so
 * daily */
#define SCHED_DEFAULT_PACK_KEEP 0.5
#define SCHED_PACK_WINDOW_S     86400.0

/* Operator constraints' sizes: relays as the configuration has them, and
 * excluded worker CPUs. */
#define SCHED_MAX_FIXED    64
#define SCHED_MAX_EXCLUDED 1024

struct sched_params {
    double sensitivity;  /* cost of one migration, in core x
                                 * intervals of excess makespan that a
                                 * plan must have removed to act
                                 * (model/hysteresis.h) */
    double min_gain;     /* gain that never counts, in cores */
    double tolerance;    /* spread: a plan aims within this share of
                                 * the lower bound with the fewest moves,
                                 * and a class that drifts above it by
                                 * more than its noise is rebalanced
                                 * (model/hysteresis.h); 0: the tightest
                                 * makespan, no drift rule */
    double time_limit_s; /* solver stage-1 limit per NUMA node */
    double deadline_s;   /* the whole decision; 0: none. Shared
                                 * out over the classes by their number
                                 * of directions */
    bool global_numa;    /* one problem over all workers */
    int mode;            /* enum sched_mode */
    double pack_target;  /* pack: the most load an active worker
                                 * may carry, in cores, (0, 1] */
    double pack_keep;    /* pack: parking leaves at least this share
                                 * of the most workers active over the
                                 * last day, [0, 1]; 0: down to the load */
    /* operator constraints (issue 13), each a constraint of the model */
    int n_fixed;                       /* relays whose directions never move (a */
    int fixed_relays[SCHED_MAX_FIXED]; /* VIRTIOFWD_CPU_PINS entry with '!');
                                 * their workers take no other direction */
    int n_excluded;                    /* worker CPUs nothing moves onto or off */
    int excluded_cpus[SCHED_MAX_EXCLUDED];
    int max_migrations; /* per decision, -1: no limit. Moves that
                                 * place a direction with no worker, or take
                                 * one off a fixed relay's worker, are not
                                 * migrations and always happen */
};

void sched_params_defaults(struct sched_params *p);

/* The hysteresis rule's figures on a class (spread mode; model/hysteresis.h). */
struct sched_hysteresis_report {
    bool valid;         /* false: pack mode, or nothing to decide */
    double noise;       /* allowance for noise, cores */
    double excess;      /* this decision's gain beyond it, cores */
    double accumulated; /* core x intervals, compared with... */
    double threshold;   /* ...the plan's cost */
    const char *why;    /* place, urgent, large, first, paid,
                                 * accumulating, no-gain, nothing-to-move */
};

/* What happened on one locality class: the workers that share one set of
 * local NUMA nodes (numa -1: all workers, global mode). */
struct sched_node_result {
    int numa;                    /* lowest OS node of the set, -1 global */
    struct sched_numa_set local; /* the class's local NUMA nodes (OS ids);
                                 * empty in global mode */
    int n_workers;
    int n_jobs;
    double current_makespan; /* of the mapping we were given */
    double makespan;         /* of the solver's answer */
    double lower_bound;      /* proven: nothing does better */
    double greedy_makespan;  /* upstream's greedy on the same loads */
    double least_makespan;   /* the solver's least (model_solution's),
                                 * on the loads it solved for */
    double solve_ms;
    bool solved;           /* false: no plan could pay, solver skipped;
                                 * makespan is then the current one */
    double budget_ms;      /* the class's share of the deadline
                                 * (infinite without one) */
    bool cut;              /* the deadline or the memory bound stopped
                                 * the solver short of its full run: the
                                 * answer is the best found, never worse
                                 * than greedy, but not proven optimal */
    int proposed;          /* moves in the solver's answer */
    int greedy_migrations; /* what greedy from scratch would move */
    bool act;              /* the hysteresis rule accepted the moves */
    int active;            /* workers with a direction after the
                                 * decision */
    int parked;            /* workers with none (n_workers - active) */
    struct sched_hysteresis_report hysteresis;
    char reason[160];
};

struct sched_move {
    int relay; /* relay id */
    int dir;   /* enum vio4wd_dir */
    int from;  /* CPU, -1 if it had none */
    int to;    /* CPU */
};

struct sched_decision {
    double t;
    int n_nodes;
    struct sched_node_result *nodes;
    int n_moves;      /* only moves of nodes that act */
    int n_migrations; /* of them, moves off a worker the model
                                 * could keep (what the budget counts) */
    struct sched_move *moves;
    bool act;                /* some node acts */
    double current_makespan; /* maxima over the nodes */
    double makespan;         /* after the moves that act */
    double deadline_ms;      /* 0: none */
    double elapsed_ms;       /* wall time of the whole decision */
    bool cut;                /* some class was cut short */
    int mode;                /* enum sched_mode */
    int n_parked;            /* workers with no direction after the */
    int *parked;             /* decision (parked), by CPU, ascending */
    char notes[256];         /* relays placed by a fallback rule */
};

void sched_decision_free(struct sched_decision *d);

/* Decide. mem is what earlier decisions left (sched/hysteresis.h): the
 * loads' noise and each class's accumulated benefit; it is updated. NULL:
 * a one-shot decision with no history. Returns 0, or -1 with err naming
 * the bad input (a worker CPU the topology does not have, a bad load, a
 * solver failure). */
int sched_decide(const struct sched_state *st, const struct model_topology *topo,
                 const struct sched_params *p, struct sched_hysteresis *mem,
                 struct sched_decision *out, char *err, size_t errlen);

/* Apply a decision's moves to a state's mapping (replay evolves its
 * mapping this way; the live loop reads the new one back from the relay). */
void sched_apply_moves(struct sched_state *st, const struct sched_decision *d);

#endif
