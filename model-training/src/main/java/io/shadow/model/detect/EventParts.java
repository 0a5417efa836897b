package io.shadow.model.detect;

import io.shadow.features.EntityKey;
import io.shadow.features.Feature;
import io.shadow.features.FeatureDefinitions;
import io.shadow.features.NoveltyAttribute;
import java.util.Arrays;

/**
 * What one event contributes to each entity it concerns (usually a principal and a host): the
 * numeric contributions and the categorical values of the shared feature definitions, per entity
 * in the order the entities first appear. Reused from event to event on one thread, so the
 * detector's hot path allocates no maps or lists for it.
 */
final class EventParts implements FeatureDefinitions.Sink, FeatureDefinitions.NoveltySink {
    private EntityKey[] keys = new EntityKey[2];
    private Feature[][] features = new Feature[2][8];
    private double[][] values = new double[2][8];
    private int[] numbers = new int[2];
    private NoveltyAttribute[][] attributes = new NoveltyAttribute[2][4];
    private String[][] categories = new String[2][4];
    private int[] categorical = new int[2];
    private int entities;

    /** Clears the previous event (dropping its references) and collects {@code e}'s parts. */
    EventParts of(io.shadow.features.ActivityEvent e) {
        for (int i = 0; i < entities; i++) {
            keys[i] = null;
            Arrays.fill(categories[i], 0, categorical[i], null);
            numbers[i] = 0;
            categorical[i] = 0;
        }
        entities = 0;
        FeatureDefinitions.contributions(e, this);
        FeatureDefinitions.noveltyValues(e, this);
        return this;
    }

    int entities() {
        return entities;
    }

    EntityKey key(int entity) {
        return keys[entity];
    }

    int numbers(int entity) {
        return numbers[entity];
    }

    Feature feature(int entity, int i) {
        return features[entity][i];
    }

    double value(int entity, int i) {
        return values[entity][i];
    }

    int categorical(int entity) {
        return categorical[entity];
    }

    NoveltyAttribute attribute(int entity, int i) {
        return attributes[entity][i];
    }

    String category(int entity, int i) {
        return categories[entity][i];
    }

    @Override
    public void accept(EntityKey entity, Feature feature, double value) {
        int s = slot(entity);
        int n = numbers[s];
        if (n == features[s].length) {
            features[s] = Arrays.copyOf(features[s], 2 * n);
            values[s] = Arrays.copyOf(values[s], 2 * n);
        }
        features[s][n] = feature;
        values[s][n] = value;
        numbers[s] = n + 1;
    }

    @Override
    public void accept(EntityKey entity, NoveltyAttribute attribute, String value) {
        int s = slot(entity);
        int n = categorical[s];
        if (n == attributes[s].length) {
            attributes[s] = Arrays.copyOf(attributes[s], 2 * n);
            categories[s] = Arrays.copyOf(categories[s], 2 * n);
        }
        attributes[s][n] = attribute;
        categories[s][n] = value;
        categorical[s] = n + 1;
    }

    private int slot(EntityKey k) {
        for (int i = 0; i < entities; i++) {
            if (keys[i].equals(k)) {
                return i;
            }
        }
        if (entities == keys.length) {
            int size = 2 * entities;
            keys = Arrays.copyOf(keys, size);
            numbers = Arrays.copyOf(numbers, size);
            categorical = Arrays.copyOf(categorical, size);
            features = Arrays.copyOf(features, size);
            values = Arrays.copyOf(values, size);
            attributes = Arrays.copyOf(attributes, size);
            categories = Arrays.copyOf(categories, size);
            for (int i = entities; i < size; i++) {
                features[i] = new Feature[8];
                values[i] = new double[8];
                attributes[i] = new NoveltyAttribute[4];
                categories[i] = new String[4];
            }
        }
        keys[entities] = k;
        return entities++;
    }
}
