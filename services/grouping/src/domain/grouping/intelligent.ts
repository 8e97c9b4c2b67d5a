/**
 * Intelligent grouping: the alert joins the open incident (within its rolling window) that the
 * service's model finds most similar — comparing it with each candidate's alerts, not only the
 * latest — if that similarity reaches the service's learned threshold; ties go to the most recently
 * grouped incident. Otherwise it opens an incident: two outages that happen at once stay two.
 * content_based_intelligent first keeps only the incidents that match on the content fields (the
 * gate), then lets the model choose among them.
 * The decision only reads the model; the caller then calls observeAlert to count the alert.
 */
import { createModel } from '../intelligent/model-state';
import { createScorer } from '../intelligent/similarity';
import { contentCandidates, joinRolling, openRolling, rollingCandidates } from './content-based';
import type { GroupingPolicy } from './policy';
import type { CandidateIncident, GroupingDecision, GroupingInput } from './strategy';

type IntelligentPolicy = Extract<GroupingPolicy, { type: 'intelligent' | 'content_based_intelligent' }>;

export function groupIntelligently(input: GroupingInput, policy: IntelligentPolicy): GroupingDecision {
  const model = input.model ?? createModel();
  const candidates: CandidateIncident[] =
    policy.type === 'content_based_intelligent'
      ? contentCandidates(input, policy)
      : rollingCandidates(input, policy.timeWindowSeconds);
  if (candidates.length === 0) return openRolling(input, policy.timeWindowSeconds, 0);
  const similarity = createScorer(model, input.alert, policy.iagFields);
  let best: CandidateIncident | undefined;
  let bestScore = 0;
  for (const incident of candidates) {
    const score = similarity(incident.alerts);
    // Candidates come most recent first, so strict > keeps the most recent on a tie.
    if (score > bestScore) {
      best = incident;
      bestScore = score;
    }
  }
  const score = Math.round(bestScore * 1000) / 1000;
  return best && bestScore >= model.threshold
    ? joinRolling(best, input, policy.timeWindowSeconds, score)
    : openRolling(input, policy.timeWindowSeconds, score);
}
