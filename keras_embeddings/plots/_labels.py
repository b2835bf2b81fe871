"""Word labels on a map: which words to label, and where, without overlaps.

Private: `plots.plot_embedding_2d` uses these. The layout is a greedy
candidate search, the classic cartographic method, deterministic and exact
where force-directed packages (adjustText) are neither: each label in turn
takes, among boxes around its point on rings of growing radius, the one
nearest its point that stays inside the axes, overlaps no label already
placed and hides no labelled point, preferring boxes that hide few other
points. A label placed away from its point gets a thin leader line.
"""

import numpy as np
from matplotlib.collections import LineCollection

GAP = 2.0  # pixels between a point and its adjacent label, and between labels
RING_STEP = 6.0  # pixels between candidate rings
ANGLES = 16  # candidate directions per ring
HIDDEN_POINT_COST = 12.0  # pixels of distance one hidden unlabelled point costs


def spread_subset(coords, max_labels, min_distance=0.05, first=()):
    """Indices of up to `max_labels` points spread over the map, in order.

    Takes the indices `first`, then the points in row order (most frequent
    word first), skipping a point closer than `min_distance` (a fraction of
    the map's width and height) to one already taken.

    Args:
        coords: float array `(n, 2)`, the points.
        max_labels: int, the most indices returned (`first` always kept).
        min_distance: float, the spacing, in map-size fractions.
        first: indices taken before any other.

    Returns:
        A list of int row indices.
    """
    span = np.ptp(coords, axis=0)
    scaled = coords / np.where(span > 0, span, 1.0)  # (n, 2), map size 1 x 1
    chosen = list(dict.fromkeys(int(i) for i in first))
    for i in range(len(coords)):
        if len(chosen) >= max_labels:
            break
        if i in chosen:
            continue
        if chosen:
            distances = np.linalg.norm(scaled[chosen] - scaled[i], axis=1)
            if distances.min() < min_distance:
                continue
        chosen.append(i)
    return chosen


def _candidates(point, width, height, max_radius):
    """Candidate boxes `(m, 4)` (x0, y0, x1, y1) around `point`, in pixels."""
    x, y = point
    g = GAP
    boxes = [  # adjacent to the point: NE, NW, SE, SW, E, W, N, S
        (x + g, y + g),
        (x - g - width, y + g),
        (x + g, y - g - height),
        (x - g - width, y - g - height),
        (x + 2 * g, y - height / 2),
        (x - 2 * g - width, y - height / 2),
        (x - width / 2, y + g),
        (x - width / 2, y - g - height),
    ]
    angles = np.arange(ANGLES) * (2 * np.pi / ANGLES) + np.pi / 4
    for radius in np.arange(RING_STEP, max_radius + RING_STEP, RING_STEP):
        centres_x = x + np.cos(angles) * (width / 2 + radius)
        centres_y = y + np.sin(angles) * (height / 2 + radius)
        boxes.extend(zip(centres_x - width / 2, centres_y - height / 2))
    corners = np.asarray(boxes)  # (m, 2) lower-left corners
    return np.concatenate([corners, corners + (width, height)], axis=1)


def _distance_to_boxes(point, boxes):
    """Distance in pixels from `point` to each box `(m, 4)`."""
    dx = np.maximum(np.maximum(boxes[:, 0] - point[0], point[0] - boxes[:, 2]), 0)
    dy = np.maximum(np.maximum(boxes[:, 1] - point[1], point[1] - boxes[:, 3]), 0)
    return np.hypot(dx, dy)


def _covers(boxes, points, margin):
    """Boolean `(m, n)`: box `m` covers point `n` (grown by `margin`)."""
    if len(points) == 0:
        return np.zeros((len(boxes), 0), dtype=bool)
    px, py = points[:, 0][None, :], points[:, 1][None, :]
    return (
        (boxes[:, [0]] - margin <= px)
        & (px <= boxes[:, [2]] + margin)
        & (boxes[:, [1]] - margin <= py)
        & (py <= boxes[:, [3]] + margin)
    )


def place_labels(ax, labels, label_points, other_points, marker_radius):
    """Move each `Annotation` of `labels` (in order) to a free spot near its point.

    The axes' position and limits must be final. Each label ends with its
    bottom-left corner at an "offset points" position from its point; labels
    placed more than a marker away from their point get a grey leader line
    (one `LineCollection`, returned, or None without any).

    Args:
        ax: the `Axes` holding the labels.
        labels: list of `Annotation`, `ha="left"`, `va="bottom"`.
        label_points: float array `(k, 2)`, each label's point in pixels.
        other_points: float array `(n, 2)`, the unlabelled points in pixels.
        marker_radius: float, a point's marker radius in pixels.
    """
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    max_radius = float(np.hypot(frame.width, frame.height))
    to_points = 72.0 / figure.dpi  # "offset points" per pixel
    placed = np.zeros((0, 4))
    segments = []
    for label, point in zip(labels, label_points):
        extent = label.get_window_extent(renderer)
        boxes = _candidates(point, extent.width, extent.height, max_radius)
        inside = (
            (boxes[:, 0] >= frame.x0)
            & (boxes[:, 1] >= frame.y0)
            & (boxes[:, 2] <= frame.x1)
            & (boxes[:, 3] <= frame.y1)
        )
        free = ~_overlaps_any(boxes, placed, GAP)
        visible = ~_covers(boxes, label_points, marker_radius).any(axis=1)
        hidden = _covers(boxes, other_points, marker_radius).sum(axis=1)
        distance = _distance_to_boxes(point, boxes)
        cost = distance + HIDDEN_POINT_COST * hidden
        cost[~(inside & free & visible)] = np.inf
        best = int(np.argmin(cost))  # the first of equal costs: deterministic
        if not np.isfinite(cost[best]):
            best = 0  # no free room left anywhere: overlap, next to the point
        box = boxes[best]
        placed = np.concatenate([placed, box[None, :]])
        label.xyann = tuple((box[:2] - point) * to_points)
        if distance[best] > marker_radius + GAP:
            nearest = np.clip(point, box[:2], box[2:])  # box point nearest `point`
            segments.append(ax.transData.inverted().transform([point, nearest]))
    if not segments:
        return None
    lines = LineCollection(segments, colors="0.55", linewidths=0.6, zorder=1.5)
    ax.add_collection(lines, autolim=False)
    return lines


def _overlaps_any(boxes, placed, margin):
    """Boolean `(m,)`: box `m`, grown by `margin`, overlaps a placed box."""
    if len(placed) == 0:
        return np.zeros(len(boxes), dtype=bool)
    return (
        (boxes[:, [0]] - margin < placed[None, :, 2])
        & (placed[None, :, 0] < boxes[:, [2]] + margin)
        & (boxes[:, [1]] - margin < placed[None, :, 3])
        & (placed[None, :, 1] < boxes[:, [3]] + margin)
    ).any(axis=1)
