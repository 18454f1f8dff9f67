FROM scratch AS base
FROM base AS TestStage
FROM base AS final_stage
