import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { PersonIndex, SearchHit, SearchQuery } from '../../persistence/person-index';
import { PERSON_INDEX } from '../tokens';

export type { SearchHit, SearchQuery };

export class SearchWorkersQuery {
  constructor(readonly search: SearchQuery) {}
}

/** Finds people in the person index (names fuzzily, birth date and documents exactly), best match first. */
@QueryHandler(SearchWorkersQuery)
export class SearchWorkersHandler implements IQueryHandler<SearchWorkersQuery, SearchHit[]> {
  constructor(@Inject(PERSON_INDEX) private readonly personIndex: PersonIndex) {}

  execute({ search }: SearchWorkersQuery): Promise<SearchHit[]> {
    return this.personIndex.search(search);
  }
}
