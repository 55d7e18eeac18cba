"""The best assignment of mentees to mentors with room (a maximum-weight b-matching) by the primal-dual (Hungarian)
method, resumed from the last assignment and prices: compiled, because it walks the graph one node at a time.

Duals: per mentee a bound u ≥ 0, per mentor a price p ≥ 0, with u[i] + p[j] ≥ w for every edge i–j (feasible) and
equal on every chosen edge (tight). When also every mentee left unpaired has u = 0 and every mentor with room left
has p = 0, the assignment is optimal and the duals prove it: no assignment weighs more than Σu + Σ room·p, which
this one weighs.

`solve` takes any earlier assignment and prices (or none) over edges that may have grown since, and restores that:
- a mentee whose chosen edge is no longer their best at today's prices is unpaired, their bound raised to their best;
- from each unpaired mentee with a bound above 0, a shortest-path search over reduced costs u + p − w (≥ 0) lowers
  bounds and raises prices along it until the mentee is paired through a chain of moves, or their bound reaches 0;
- from each mentor with room and a price above 0, the same search the other way lowers prices and raises bounds
  until a mentee is drawn in through a chain of moves, or the price reaches 0.
Started with nobody paired and each mentor's price at their best edge, mentors draw mentees in (1–2 s for the top-16
graph of 50,000 mentees × 15,000 mentors); resumed after a pricing pass, only the mentees a new edge would move and
the mentors they leave are searched from (under 1 s).
"""

from __future__ import annotations

import numba
import numpy as np

_FAR = 1 << 60


@numba.njit(cache=True, nogil=True)
def _push(keys: np.ndarray, values: np.ndarray, size: int, key: int, value: int) -> int:
    at = size
    keys[at], values[at] = key, value
    while at > 0:
        parent = (at - 1) >> 1
        if keys[parent] <= keys[at]:
            break
        keys[parent], keys[at] = keys[at], keys[parent]
        values[parent], values[at] = values[at], values[parent]
        at = parent
    return size + 1


@numba.njit(cache=True, nogil=True)
def _pop(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[int, int, int]:
    key, value = keys[0], values[0]
    size -= 1
    keys[0], values[0] = keys[size], values[size]
    at = 0
    while True:
        child = 2 * at + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[at] <= keys[child]:
            break
        keys[child], keys[at] = keys[at], keys[child]
        values[child], values[at] = values[at], values[child]
        at = child
    return key, value, size


@numba.njit(cache=True, nogil=True)
def _leave(i: int, mentor: int, slot_start: np.ndarray, slot_mentee: np.ndarray, slot_of: np.ndarray,
           load: np.ndarray) -> None:
    """Mentee i leaves the mentor: the mentor's last mentee takes their slot, so each mentor's slots stay packed."""
    last = slot_start[mentor] + load[mentor] - 1
    moved = slot_mentee[last]
    slot_mentee[slot_of[i]] = moved
    slot_of[moved] = slot_of[i]
    slot_mentee[last] = -1
    slot_of[i] = -1
    load[mentor] -= 1


@numba.njit(cache=True, nogil=True)
def solve(row_start: np.ndarray, cols: np.ndarray, weights: np.ndarray, room: np.ndarray,
          assigned: np.ndarray, price: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges grouped by mentee (mentee i's are row_start[i]:row_start[i + 1], to mentors `cols`, worth `weights`);
    `assigned`: each mentee's mentor before (−1: none); `price`: each mentor's before (updated in place). Returns each
    mentee's chosen edge (−1: unpaired) and bound."""
    n, m = len(row_start) - 1, len(room)
    slot_start = np.zeros(m + 1, np.int64)
    slot_start[1:] = np.cumsum(room)
    slot_mentee = np.full(slot_start[m], -1, np.int64)
    slot_of = np.full(n, -1, np.int64)
    load = np.zeros(m, np.int64)
    edge_of = np.full(n, -1, np.int64)
    bound = np.zeros(n, np.int64)
    # The edges by mentor too, to search from mentors.
    by_mentor_start = np.zeros(m + 1, np.int64)
    for e in range(len(cols)):
        by_mentor_start[cols[e] + 1] += 1
    by_mentor_start = np.cumsum(by_mentor_start)
    filled = by_mentor_start[:-1].copy()
    by_mentor = np.empty(len(cols), np.int64)
    for e in range(len(cols)):
        by_mentor[filled[cols[e]]] = e
        filled[cols[e]] += 1
    edge_mentee = np.empty(len(cols), np.int64)
    for i in range(n):
        edge_mentee[row_start[i]:row_start[i + 1]] = i

    # The assignment before, kept where its edge is still the mentee's best at these prices.
    for i in range(n):
        best, chosen = 0, -1
        for e in range(row_start[i], row_start[i + 1]):
            gain = weights[e] - price[cols[e]]
            if gain > best:
                best = gain
            if cols[e] == assigned[i]:
                chosen = e
        bound[i] = best
        if chosen >= 0 and weights[chosen] - price[cols[chosen]] >= best and load[assigned[i]] < room[assigned[i]]:
            j = assigned[i]
            slot = slot_start[j] + load[j]
            slot_mentee[slot], slot_of[i], edge_of[i] = i, slot, chosen
            load[j] += 1
    keys = np.empty(len(cols) + 2 * (n + m) + 1, np.int64)
    values = np.empty(len(keys), np.int64)
    mentor_distance = np.full(m, _FAR, np.int64)
    mentee_distance = np.full(n, _FAR, np.int64)
    reached_by = np.full(m, -1, np.int64)  # per mentor, the edge a search reached them by
    mentee_reached_by = np.full(n, -1, np.int64)  # per mentee, the same, searching from mentors
    scanned = np.zeros(m, np.bool_)
    touched = np.empty(m, np.int64)
    touched_mentees = np.empty(n, np.int64)

    # From each unpaired mentee with a bound: lower it until they are paired or it reaches 0.
    for root in range(n):
        if edge_of[root] >= 0 or bound[root] <= 0:
            continue
        size, reached, reached_mentees = 0, 0, 0
        mentee_distance[root] = 0
        touched_mentees[0], reached_mentees = root, 1
        size = _push(keys, values, size, bound[root], m + root)  # its bound reaching 0
        for e in range(row_start[root], row_start[root + 1]):
            j = cols[e]
            d = bound[root] + price[j] - weights[e]
            if d < mentor_distance[j]:
                if mentor_distance[j] == _FAR:
                    touched[reached], reached = j, reached + 1
                mentor_distance[j], reached_by[j] = d, e
                size = _push(keys, values, size, d, j)
        end_mentor, end_mentee, delta = -1, -1, _FAR
        while size > 0:
            d, code, size = _pop(keys, values, size)
            if code >= m:  # a mentee's bound reaches 0: they may leave
                end_mentee, delta = code - m, d
                break
            j = code
            if scanned[j] or d > mentor_distance[j]:
                continue
            if load[j] < room[j]:
                end_mentor, delta = j, d
                break
            scanned[j] = True
            for slot in range(slot_start[j], slot_start[j] + load[j]):
                k = slot_mentee[slot]
                mentee_distance[k] = d
                touched_mentees[reached_mentees], reached_mentees = k, reached_mentees + 1
                size = _push(keys, values, size, d + bound[k], m + k)
                for e in range(row_start[k], row_start[k + 1]):
                    j2 = cols[e]
                    if scanned[j2]:
                        continue
                    d2 = d + bound[k] + price[j2] - weights[e]
                    if d2 < mentor_distance[j2]:
                        if mentor_distance[j2] == _FAR:
                            touched[reached], reached = j2, reached + 1
                        mentor_distance[j2], reached_by[j2] = d2, e
                        size = _push(keys, values, size, d2, j2)
        # Duals: everything reached closer than delta moves by what it lacked; chosen edges stay tight.
        for t in range(reached_mentees):
            k = touched_mentees[t]
            bound[k] -= delta - mentee_distance[k]
            mentee_distance[k] = _FAR
        for t in range(reached):
            j = touched[t]
            if scanned[j]:
                price[j] += delta - mentor_distance[j]
                scanned[j] = False
            mentor_distance[j] = _FAR
        # The chain of moves: each mentee on the path takes the edge that reached the next mentor.
        if end_mentor >= 0:
            j, slot = end_mentor, slot_start[end_mentor] + load[end_mentor]
            load[j] += 1
        elif end_mentee != root:
            j, slot = cols[edge_of[end_mentee]], slot_of[end_mentee]
            slot_of[end_mentee], edge_of[end_mentee] = -1, -1
        else:
            continue
        while True:
            e = reached_by[j]
            i = edge_mentee[e]
            vacated, left = slot_of[i], (cols[edge_of[i]] if edge_of[i] >= 0 else -1)
            slot_mentee[slot], slot_of[i], edge_of[i] = i, slot, e
            if i == root:
                break
            j, slot = left, vacated

    # From each mentor with room and a price: lower it until a mentee is drawn in or it reaches 0. Mentors with the
    # fewest mentees to choose from per place first: left for later, they would displace those who chose before them
    # (from nothing at 50k: 0.6 s, against 1.4 s in index order and 5.6 s with the most first).
    choices = (by_mentor_start[1:] - by_mentor_start[:-1]) / np.maximum(room, 1)
    mentor_order = np.argsort(choices, kind="mergesort")
    at = 0
    while at < m:
        j0 = mentor_order[at]
        if load[j0] >= room[j0] or price[j0] <= 0:
            at += 1
            continue
        size, reached, reached_mentees = 0, 0, 0
        mentor_distance[j0] = 0
        touched[0], reached = j0, 1
        size = _push(keys, values, size, 0, j0)
        end_mentor, end_mentee, delta = -1, -1, _FAR
        while size > 0:
            d, code, size = _pop(keys, values, size)
            if code >= m + n:  # a mentor's price reaches 0: they may let one mentee go
                end_mentor, delta = code - m - n, d
                break
            if code >= m:
                i = code - m
                if d > mentee_distance[i]:
                    continue
                if edge_of[i] < 0:  # unpaired, with a bound of 0: drawn in
                    end_mentee, delta = i, d
                    break
                j = cols[edge_of[i]]
                if not scanned[j] and d < mentor_distance[j]:
                    if mentor_distance[j] == _FAR:
                        touched[reached], reached = j, reached + 1
                    mentor_distance[j], reached_by[j] = d, edge_of[i]
                    size = _push(keys, values, size, d, j)
                continue
            j = code
            if scanned[j] or d > mentor_distance[j]:
                continue
            scanned[j] = True
            size = _push(keys, values, size, d + price[j], m + n + j)
            for k in range(by_mentor_start[j], by_mentor_start[j + 1]):
                e = by_mentor[k]
                i = edge_mentee[e]
                if edge_of[i] == e:
                    continue
                d2 = d + bound[i] + price[j] - weights[e]
                if d2 < mentee_distance[i]:
                    if mentee_distance[i] == _FAR:
                        touched_mentees[reached_mentees], reached_mentees = i, reached_mentees + 1
                    mentee_distance[i], mentee_reached_by[i] = d2, e
                    size = _push(keys, values, size, d2, m + i)
        # Duals: a mentor reached closer than delta lowers its price by what it lacked, and its mentees' bounds rise
        # by as much, so their edges stay tight.
        for t in range(reached):
            j = touched[t]
            if scanned[j]:
                price[j] -= delta - mentor_distance[j]
                for slot in range(slot_start[j], slot_start[j] + load[j]):
                    bound[slot_mentee[slot]] += delta - mentor_distance[j]
                scanned[j] = False
            mentor_distance[j] = _FAR
        for t in range(reached_mentees):
            mentee_distance[touched_mentees[t]] = _FAR
        # The chain of moves, from its end: each mentee takes the edge that reached them, into the slot of the mentee
        # who reached that mentor, who moves on in turn; the last moves into j0.
        if end_mentee >= 0:
            i = end_mentee
        elif end_mentor == j0:
            continue
        else:
            i = edge_mentee[reached_by[end_mentor]]
            _leave(i, end_mentor, slot_start, slot_mentee, slot_of, load)
            edge_of[i] = -1
        while True:
            e = mentee_reached_by[i]
            j = cols[e]
            if j == j0:
                slot = slot_start[j] + load[j]
                load[j] += 1
                slot_mentee[slot], slot_of[i], edge_of[i] = i, slot, e
                break
            leaving = edge_mentee[reached_by[j]]
            slot = slot_of[leaving]
            slot_mentee[slot], slot_of[i], edge_of[i] = i, slot, e
            i = leaving
    return edge_of, bound
